package io.declutter.dialect.oracle;

import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.JobProcedures.BackupTable;
import io.declutter.dialect.JobProcedures.Column;
import io.declutter.dialect.RefusedException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL with which a run's backup leaves an Oracle database as CSV and comes back (docs/archive.md#oracle): how
 * each column is read as text and written back, by its type as ALL_TAB_COLUMNS spells it. Dates and timestamps are
 * formatted by the query with explicit masks (TO_CHAR, TO_TIMESTAMP_TZ ...), so the text depends on no NLS setting
 * but the calendar, which the session fixes (NLS_CALENDAR = GREGORIAN); numbers, strings and LOBs are read through
 * JDBC and written by {@link OracleCsv}. Pure text: unit-tested without a database.
 */
final class OracleArchiveSql {

    /** How a column travels: its text form in the CSV and how JDBC reads and binds it. */
    enum Kind {
        TEXT, NUMBER, BINARY_FLOAT, BINARY_DOUBLE, DATE, TIMESTAMP, TIMESTAMP_TZ, TIMESTAMP_LTZ, INTERVAL_DS,
        INTERVAL_YM, RAW, CLOB, BLOB
    }

    /** The session settings of an export or an import: the only NLS parameter the masks below depend on. */
    static final String SESSION = "ALTER SESSION SET NLS_CALENDAR = 'GREGORIAN'";

    private static final Pattern TIMESTAMP = Pattern.compile("TIMESTAMP(?:\\((\\d)\\))?( WITH (LOCAL )?TIME ZONE)?");

    private OracleArchiveSql() {
    }

    /** The column's kind; a type declutter cannot write as text (LONG, BFILE, XMLTYPE, object types) is refused. */
    static Kind kind(BackupTable table, Column c) {
        String type = c.type().toUpperCase(Locale.ROOT);
        String base = type.replaceAll("\\(.*", "");
        if (type.startsWith("TIMESTAMP")) {
            Matcher m = TIMESTAMP.matcher(type);
            if (m.matches()) {
                return m.group(2) == null ? Kind.TIMESTAMP : m.group(3) == null ? Kind.TIMESTAMP_TZ : Kind.TIMESTAMP_LTZ;
            }
        }
        if (type.startsWith("INTERVAL DAY")) {
            return Kind.INTERVAL_DS;
        }
        if (type.startsWith("INTERVAL YEAR")) {
            return Kind.INTERVAL_YM;
        }
        return switch (base) {
            case "VARCHAR2", "NVARCHAR2", "CHAR", "NCHAR", "ROWID", "UROWID" -> Kind.TEXT;
            case "NUMBER", "FLOAT", "INTEGER" -> Kind.NUMBER;
            case "BINARY_FLOAT" -> Kind.BINARY_FLOAT;
            case "BINARY_DOUBLE" -> Kind.BINARY_DOUBLE;
            case "DATE" -> Kind.DATE;
            case "RAW" -> Kind.RAW;
            case "CLOB", "NCLOB" -> Kind.CLOB;
            case "BLOB" -> Kind.BLOB;
            default -> throw new RefusedException(ErrorKind.BAD_INPUT, "backup table " + table.backupTable()
                    + " has column " + c.name() + " of type " + c.type() + ", which declutter cannot archive on Oracle"
                    + " (docs/archive.md#oracle: LONG, LONG RAW, BFILE, XMLTYPE and object types are not written as"
                    + " text); leave backup.archive out for this job and keep its backup in the database");
        };
    }

    /** The fractional-seconds digits of a TIMESTAMP(n) type (6 when the type does not say). */
    static int fraction(Column c) {
        Matcher m = TIMESTAMP.matcher(c.type().toUpperCase(Locale.ROOT));
        return m.matches() && m.group(1) != null ? Integer.parseInt(m.group(1)) : 6;
    }

    /** The format mask of a DATE, or of a TIMESTAMP(n) of any kind (without its time zone). */
    static String mask(Kind kind, Column c) {
        if (kind == Kind.DATE) {
            return "YYYY-MM-DD HH24:MI:SS";
        }
        int digits = fraction(c);
        return "YYYY-MM-DD HH24:MI:SS" + (digits == 0 ? "" : ".FF" + digits);
    }

    static String ident(String name) {
        return "\"" + name + "\"";
    }

    static String qualified(String schema, BackupTable table) {
        return schema + "." + ident(table.backupTable());
    }

    /** The select-list expression of a column in an export. */
    static String exportExpression(BackupTable table, Column c) {
        Kind kind = kind(table, c);
        String col = ident(c.name());
        return switch (kind) {
            case DATE, TIMESTAMP -> "TO_CHAR(" + col + ", '" + mask(kind, c) + "')";
            case TIMESTAMP_TZ -> "TO_CHAR(SYS_EXTRACT_UTC(" + col + "), '" + mask(kind, c) + "') || ' +00:00'";
            case TIMESTAMP_LTZ -> "TO_CHAR(SYS_EXTRACT_UTC(CAST(" + col + " AS TIMESTAMP WITH TIME ZONE)), '"
                    + mask(kind, c) + "') || ' +00:00'";
            case INTERVAL_DS, INTERVAL_YM -> "TO_CHAR(" + col + ")";
            default -> col;
        };
    }

    /** The expression that turns a bound parameter back into a column's value in an import. */
    static String importExpression(BackupTable table, Column c) {
        Kind kind = kind(table, c);
        return switch (kind) {
            case DATE -> "TO_DATE(?, '" + mask(kind, c) + "')";
            case TIMESTAMP -> "TO_TIMESTAMP(?, '" + mask(kind, c) + "')";
            case TIMESTAMP_TZ -> "TO_TIMESTAMP_TZ(?, '" + mask(kind, c) + " TZH:TZM')";
            case TIMESTAMP_LTZ -> "CAST(TO_TIMESTAMP_TZ(?, '" + mask(kind, c) + " TZH:TZM') AS TIMESTAMP WITH LOCAL TIME"
                    + " ZONE)";
            case INTERVAL_DS -> "TO_DSINTERVAL(?)";
            case INTERVAL_YM -> "TO_YMINTERVAL(?)";
            default -> "?";
        };
    }

    /** Whether the backup table numbers its rows (record tables of values SET NULL resets do not). */
    static boolean sequenced(BackupTable table) {
        return table.columns().stream().anyMatch(c -> c.name().equals("DECLUTTER_SEQ"));
    }

    /**
     * The export of the run's rows of a backup table (parameter: the run; with a range, also the sequence numbers
     * after and up to), in backup order. A table without {@code DECLUTTER_SEQ} is ordered by its primary key, and a
     * row's place in that order stands for its sequence number.
     */
    static String export(String schema, BackupTable table, List<String> keyColumns, boolean range) {
        List<String> select = new ArrayList<>();
        table.columns().forEach(c -> select.add(exportExpression(table, c)));
        String list = String.join(", ", select);
        if (sequenced(table)) {
            return "SELECT " + list + " FROM " + qualified(schema, table) + " WHERE \"DECLUTTER_RUN\" = ?"
                    + (range ? " AND \"DECLUTTER_SEQ\" > ? AND \"DECLUTTER_SEQ\" <= ?" : "")
                    + " ORDER BY \"DECLUTTER_SEQ\"";
        }
        String order = String.join(", ", keyColumns.stream().map(OracleArchiveSql::ident).toList());
        if (!range) {
            return "SELECT " + list + " FROM " + qualified(schema, table) + " WHERE \"DECLUTTER_RUN\" = ? ORDER BY "
                    + order;
        }
        return "SELECT " + list + " FROM (SELECT b.*, ROW_NUMBER() OVER (ORDER BY " + order + ") AS declutter_rank FROM "
                + qualified(schema, table) + " b WHERE \"DECLUTTER_RUN\" = ?) WHERE declutter_rank > ? AND"
                + " declutter_rank <= ? ORDER BY declutter_rank";
    }

    /**
     * One row of an import: a MERGE that inserts the row unless the backup table holds it already (by its primary
     * key), so a load repeated after an interruption adds nothing twice (PostgreSQL's ON CONFLICT DO NOTHING).
     * Parameters: the columns in order.
     */
    static String merge(String schema, BackupTable table, List<String> keyColumns) {
        List<String> source = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < table.columns().size(); i++) {
            Column c = table.columns().get(i);
            source.add(importExpression(table, c) + " AS c" + (i + 1));
            names.add(ident(c.name()));
            values.add("s.c" + (i + 1));
        }
        List<String> on = new ArrayList<>();
        for (String k : keyColumns) {
            int i = indexOf(table, k);
            if (i < 0) {
                throw new RefusedException(ErrorKind.BAD_INPUT, "the archive's file of backup table "
                        + table.backupTable() + " has no column " + k + ", part of its primary key: it cannot be"
                        + " loaded back");
            }
            on.add("t." + ident(k) + " = s.c" + (i + 1));
        }
        return "MERGE INTO " + qualified(schema, table) + " t USING (SELECT " + String.join(", ", source)
                + " FROM dual) s ON (" + String.join(" AND ", on) + ") WHEN NOT MATCHED THEN INSERT ("
                + String.join(", ", names) + ") VALUES (" + String.join(", ", values) + ")";
    }

    private static int indexOf(BackupTable table, String column) {
        for (int i = 0; i < table.columns().size(); i++) {
            if (table.columns().get(i).name().equals(column)) {
                return i;
            }
        }
        return -1;
    }
}
