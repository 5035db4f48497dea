package io.declutter.dialect.oracle;

import io.declutter.model.Catalog;
import io.declutter.model.TableName;
import io.declutter.plan.BackupNames;

import java.util.List;
import java.util.Locale;

/**
 * Oracle's identifier rules applied to a job and its plan. A name written in a job file resolves the way Oracle
 * resolves an unquoted name (upper case) unless the catalog holds it exactly as written (a quoted, mixed-case
 * name). Generated names are made Oracle-like: the {@code bk_<job>_} prefix of backup tables is upper case, and
 * so is the whole name when the table's own name has no lower-case letter, so that it needs no quotes. The planner
 * applies these rules through {@link OracleNaming}.
 */
public final class OracleNames {

    private OracleNames() {
    }

    /** The table as Oracle resolves the name written in the job file: exactly as written, else upper case. */
    public static TableName resolve(TableName written, Catalog catalog) {
        String schemaUpper = written.schema().toUpperCase(Locale.ROOT);
        String nameUpper = written.name().toUpperCase(Locale.ROOT);
        for (TableName candidate : List.of(written, new TableName(schemaUpper, nameUpper),
                new TableName(schemaUpper, written.name()), new TableName(written.schema(), nameUpper))) {
            if (catalog.table(candidate).isPresent()) {
                return candidate;
            }
        }
        return written;
    }

    /** A name derived from {@code base} (e.g. {@code BK_JOB_TABLE_PK}), shortened with a hash to fit. */
    public static String derived(String base, String suffix, int maxBytes) {
        return upperHash(BackupNames.fit(base + suffix, maxBytes), base);
    }

    /**
     * A generated backup-table name spelled the Oracle way: the {@code bk_<job>_} prefix upper case, and the whole
     * name when its source (the table's own name) has no lower-case letter, so that it needs no quotes.
     */
    static String backupTable(String name, String prefix, String source) {
        if (source.chars().noneMatch(Character::isLowerCase)) {
            return upperAscii(name);
        }
        int n = Math.min(prefix.length(), name.length());
        return upperAscii(name.substring(0, n)) + name.substring(n);
    }

    /** Upper-cases what {@link BackupNames#fit} added (the hash) when the base is already upper case. */
    private static String upperHash(String name, String base) {
        return base.chars().noneMatch(Character::isLowerCase) ? upperAscii(name) : name;
    }

    private static String upperAscii(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> sb.appendCodePoint(cp >= 'a' && cp <= 'z' ? cp - 32 : cp));
        return sb.toString();
    }
}
