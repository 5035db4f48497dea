package io.declutter.runner.purge;

import io.declutter.dialect.JobProcedures;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Calls the job's verify function and judges the result against the run's status: after a complete purge
 * no backed-up row may remain; after a rollback every one must be back; orphans are never allowed.
 */
public final class Verification {

    public record Row(String table, int height, long backup, long present, long deleted, long orphans) {
    }

    /**
     * @param notes what verify cannot judge: DELETE triggers kept enabled whose writes could not be read, counts not
     *              taken yet
     */
    public record Result(long run, String runStatus, List<Row> rows, List<String> problems, List<String> notes) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private Verification() {
    }

    public static Result verify(Connection connection, JobProcedures procs, long run) throws SQLException {
        String status = procs.runInfo(run).status();
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(procs.verifySql())) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6)));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (Row r : rows) {
            if (r.orphans() > 0) {
                problems.add(r.table() + ": " + r.orphans() + " rows reference purged rows (orphans)");
            }
            if ("done".equals(status) && r.present() > 0) {
                problems.add(r.table() + ": " + r.present() + " purged rows are still present after a complete run");
            }
            if ("expired".equals(status) && r.backup() > 0) {
                problems.add(r.table() + ": " + r.backup() + " rows of the expired run are still in its backup table");
            }
            if ("rolled back".equals(status) && r.deleted() > 0) {
                problems.add(r.table() + ": " + r.deleted() + " purged rows are missing after the rollback");
            }
        }
        List<String> notes = new ArrayList<>();
        triggerEffects(procs.triggerEffects(run), problems, notes);
        return new Result(run, status, rows, problems, notes);
    }

    /**
     * What the DELETE triggers the job keeps enabled wrote outside the closure (docs/design.md#triggers): a table
     * whose row count changed during the run is a problem (declutter did not back those rows up, rollback cannot
     * restore them); a trigger whose writes are unknown, or a count not taken yet, a note.
     */
    public static void triggerEffects(List<JobProcedures.TriggerEffect> effects, List<String> problems,
                                      List<String> notes) {
        for (JobProcedures.TriggerEffect e : effects) {
            if (e.table() == null) {
                notes.add("trigger " + e.triggers() + " fired on the purged rows and may have written rows outside"
                        + " the closure that verify cannot count: " + e.note());
            } else if (e.difference() == null) {
                notes.add(e.table() + ": written by trigger " + e.triggers() + "; its rows are counted again when"
                        + " the run ends (" + e.rowsBefore() + " before its first delete)");
            } else if (e.difference() > 0) {
                problems.add("trigger " + e.triggers() + " wrote " + e.difference() + " rows to " + e.table()
                        + " that declutter did not back up and rollback cannot restore (" + e.rowsBefore()
                        + " rows before the run's first delete, " + e.rowsAfter() + " at its end; rows the application"
                        + " wrote meanwhile count too)");
            } else if (e.difference() < 0) {
                problems.add("trigger " + e.triggers() + " removed " + -e.difference() + " rows from " + e.table()
                        + " that declutter did not back up and rollback cannot restore (" + e.rowsBefore()
                        + " rows before the run's first delete, " + e.rowsAfter() + " at its end; rows the application"
                        + " deleted meanwhile count too)");
            }
        }
    }

    public static String text(Result r) {
        List<List<String>> rows = new ArrayList<>();
        for (Row row : r.rows()) {
            rows.add(List.of(row.table(), String.format("%,d", row.backup()), String.format("%,d", row.present()),
                    String.format("%,d", row.deleted()), String.format("%,d", row.orphans())));
        }
        StringBuilder out = new StringBuilder("Verify run " + r.run() + " (" + r.runStatus() + "):\n");
        out.append(TextTable.render(List.of("table", "backup", "present", "deleted", "orphans"), rows));
        if (r.ok()) {
            out.append("OK: ").append(switch (r.runStatus()) {
                case "done" -> "no purged row remains and no row references a purged row.";
                case "rolled back" -> "every purged row is back.";
                case "expired" -> "the run's backup has expired: no copy of its rows remains in the database, and no"
                        + " row references a purged row.";
                default -> "no row references a purged row (the run is " + r.runStatus() + ").";
            }).append("\n");
        } else {
            r.problems().forEach(p -> out.append("PROBLEM: ").append(p).append("\n"));
        }
        r.notes().forEach(n -> out.append("NOTE: ").append(n).append("\n"));
        return out.toString();
    }
}
