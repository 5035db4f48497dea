package io.declutter.dialect.oracle;

import io.declutter.plan.BackupNames;
import io.declutter.model.Catalog;
import io.declutter.model.Job;
import io.declutter.model.NullifiedEdge;
import io.declutter.model.PurgePlan;
import io.declutter.model.PurgeTable;
import io.declutter.model.TableName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Oracle's identifier rules applied to a job and its plan. A name written in a job file resolves the way Oracle
 * resolves an unquoted name (upper case) unless the catalog holds it exactly as written (a quoted, mixed-case
 * name). Generated names are made Oracle-like: the {@code bk_<job>_} prefix of backup tables is upper case, and
 * so is the whole name when the table's own name has no lower-case letter, so that it needs no quotes.
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

    /** The job with its root, excluded and overridden tables resolved against the catalog (unknown names are left as written). */
    public static Job resolve(Job job, Catalog catalog) {
        return new Job(job.name(), resolve(job.root(), catalog), job.rootPredicate(), job.batchSize(), job.backup(),
                job.excludedTables().stream().map(t -> resolve(t, catalog)).toList(), job.lockTimeout(),
                job.statementTimeout(), job.edgeOverrides().stream()
                        .map(o -> new io.declutter.model.EdgeOverride(resolve(o.table(), catalog), o.constraint(),
                                o.strategy())).toList());
    }

    /** The plan with Oracle-style backup table names (same lengths, still unique). */
    public static PurgePlan adapt(PurgePlan plan) {
        String prefix = "bk_" + plan.job().name() + "_";
        Map<String, String> renamed = new HashMap<>();
        Set<String> used = new HashSet<>();
        List<String> originals = new ArrayList<>();
        plan.tables().forEach(t -> originals.add(t.backupTable()));
        plan.nullified().forEach(n -> originals.add(n.backupTable()));
        for (PurgeTable t : plan.tables()) {
            renamed.put(t.backupTable(), oracleName(t.backupTable(), prefix, t.name().schema() + t.name().name()));
        }
        for (NullifiedEdge n : plan.nullified()) {
            renamed.put(n.backupTable(), oracleName(n.backupTable(), prefix,
                    n.foreignKey().child().name() + n.foreignKey().name()));
        }
        for (String original : originals) {
            if (!used.add(renamed.get(original))) {
                // Upper-casing made two names equal (a table literally named like another's hashed name):
                // keep the generated names as they were; they are unique.
                return plan;
            }
        }
        List<PurgeTable> tables = plan.tables().stream().map(t -> new PurgeTable(t.table(), t.key(), t.height(),
                t.cacheRank(), t.cycleGroup(), renamed.get(t.backupTable()), t.primaryEdge(), t.childrenFirst(),
                t.deferredUnit())).toList();
        List<NullifiedEdge> nullified = plan.nullified().stream().map(n -> new NullifiedEdge(n.edge(), n.foreignKey(),
                n.child(), n.key(), renamed.get(n.backupTable()))).toList();
        return new PurgePlan(plan.job(), plan.edges(), tables, nullified, plan.findings());
    }

    /** A name derived from {@code base} (e.g. {@code BK_JOB_TABLE_PK}), shortened with a hash to fit. */
    public static String derived(String base, String suffix, int maxBytes) {
        return upperHash(BackupNames.fit(base + suffix, maxBytes), base);
    }

    private static String oracleName(String name, String prefix, String source) {
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
