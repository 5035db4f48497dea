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

    public record Result(long run, String runStatus, List<Row> rows, List<String> problems) {
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
            if ("rolled back".equals(status) && r.deleted() > 0) {
                problems.add(r.table() + ": " + r.deleted() + " purged rows are missing after the rollback");
            }
        }
        return new Result(run, status, rows, problems);
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
                default -> "no row references a purged row (the run is " + r.runStatus() + ").";
            }).append("\n");
        } else {
            r.problems().forEach(p -> out.append("PROBLEM: ").append(p).append("\n"));
        }
        return out.toString();
    }
}
