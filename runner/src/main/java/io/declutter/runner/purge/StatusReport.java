package io.declutter.runner.purge;

import io.declutter.dialect.JobProcedures;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Per-table progress of a run (cached, deleted, restored, remaining, rate) and the run's ETA, read from the
 * control and log tables only, so a run started from cron or pg_cron reports the same way.
 */
public final class StatusReport {

    /** One closure table. {@code ratePerSecond} is over the time its delete batches took. */
    public record TableStatus(String table, int height, String status, long cached, long deleted, long restored,
                              long remaining, double ratePerSecond, String lastError) {
    }

    public record RunStatus(String job, long run, String status, Instant started, Instant ended, Instant deadline,
                            boolean pauseRequested, String lastError, long cached, long deleted, long restored,
                            long remaining, double ratePerSecond, Long etaSeconds, List<TableStatus> tables,
                            List<JobProcedures.TriggerEffect> triggerEffects, Backup backup, Hold hold) {
    }

    /**
     * Where the run's purged rows are still copied and until when (docs/archive.md#expiry): {@code expires} is the
     * end of the run plus the job's backup.keep (null: kept until 'declutter expire'); {@code expired} and
     * {@code expiredBy} once dropped.
     */
    public record Backup(String state, Instant expires, Instant expired, String expiredBy,
                         List<JobProcedures.ArchiveRecord> archives) {
    }

    /**
     * The run's throttle holds (docs/throttle.md#holds): whether it holds now, since when, why, when the runner last
     * checked, and the seconds held over the whole run.
     */
    public record Hold(boolean holding, Instant since, Instant lastChecked, String reason, long heldSeconds,
                       long holds) {
    }

    private StatusReport() {
    }

    public static RunStatus read(Connection connection, JobProcedures procs, long run) throws SQLException {
        return read(connection, procs, run, Optional.empty());
    }

    /** @param keep the job's backup.keep, if it sets one */
    public static RunStatus read(Connection connection, JobProcedures procs, long run, Optional<Duration> keep)
            throws SQLException {
        JobProcedures.RunInfo info = procs.runInfo(run);
        // Totals per table come from the log, which keeps every run's history (the control table only the latest).
        String sql = procs.statusSql();
        List<TableStatus> tables = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, run);
            ps.setLong(2, run);
            ps.setLong(3, run);
            ps.setString(4, procs.job());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long cached = rs.getLong(4);
                    long deleted = rs.getLong(5);
                    double seconds = rs.getDouble(7);
                    tables.add(new TableStatus(rs.getString(1), rs.getInt(2), rs.getString(3), cached, deleted,
                            rs.getLong(6), Math.max(0, cached - deleted), seconds > 0 ? deleted / seconds : 0,
                            rs.getString(8)));
                }
            }
        }
        long cached = tables.stream().mapToLong(TableStatus::cached).sum();
        long deleted = tables.stream().mapToLong(TableStatus::deleted).sum();
        long restored = tables.stream().mapToLong(TableStatus::restored).sum();
        long remaining = "running".equals(info.status()) || "failed".equals(info.status()) ? cached - deleted : 0;
        Instant end = info.ended() != null ? info.ended() : Instant.now();
        double seconds = Math.max(0.001, Duration.between(info.started(), end).toMillis() / 1000.0);
        double rate = deleted / seconds;
        // Boxed on both sides: a primitive long in either branch would unbox the null (no rate yet) and throw.
        Long eta = remaining > 0 && rate > 0 ? Long.valueOf((long) (remaining / rate))
                : remaining == 0 ? Long.valueOf(0) : null;
        return new RunStatus(procs.job(), run, info.status(), info.started(), info.ended(), info.deadline(),
                info.pauseRequested(), info.lastError(), cached, deleted, restored, Math.max(0, remaining), rate, eta,
                tables, procs.triggerEffects(run), backup(procs, info, keep), hold(procs.holdState(run)));
    }

    static Backup backup(JobProcedures procs, JobProcedures.RunInfo info, Optional<Duration> keep) throws SQLException {
        List<JobProcedures.ArchiveRecord> archives = procs.archives(info.id());
        Optional<JobProcedures.Expiry> expiry = procs.expiry(info.id());
        if (expiry.isPresent()) {
            return new Backup("expired", null, expiry.get().at(), expiry.get().by(), archives);
        }
        boolean finished = "done".equals(info.status()) || "rolled back".equals(info.status());
        Instant expires = finished && keep.isPresent() && info.ended() != null ? info.ended().plus(keep.get()) : null;
        return new Backup("in the database", expires, null, null, archives);
    }

    /** One line on the run's backup: where copies are and when they expire. */
    public static String backupLine(Backup b) {
        String where = b.expired() != null
                ? "expired " + b.expired() + " by " + b.expiredBy() + ": no copy left in the database"
                : "in the backup tables, " + (b.expires() != null ? "expires " + b.expires()
                : "kept until 'declutter expire' (no backup.keep)");
        return "  backup: " + where + (b.archives().isEmpty() ? "; no archive" : "; archived to "
                + String.join(", ", b.archives().stream().map(a -> a.location() + " (" + a.created() + ")").toList()));
    }

    private static Hold hold(JobProcedures.HoldState h) {
        return new Hold(h.holding(), h.since(), h.lastChecked(), h.reason(), h.heldInAll().toSeconds(), h.holds());
    }

    public static String text(RunStatus r) {
        StringBuilder out = new StringBuilder();
        out.append("Job ").append(r.job()).append(", run ").append(r.run()).append(": ").append(r.status())
                .append(r.pauseRequested() ? " (pause requested)" : "").append("\n")
                .append("  started ").append(r.started()).append(r.ended() != null ? ", ended " + r.ended() : "")
                .append(r.deadline() != null ? ", deadline " + r.deadline() : "").append("\n")
                .append(String.format("  %,d rows cached, %,d deleted, %,d restored, %,d remaining; %,.0f rows/s",
                        r.cached(), r.deleted(), r.restored(), r.remaining(), r.ratePerSecond()))
                .append(r.etaSeconds() == null ? ", ETA unknown" : r.remaining() > 0
                        ? ", ETA " + ProgressBar.format(Duration.ofSeconds(r.etaSeconds())) : "").append("\n");
        out.append(backupLine(r.backup())).append("\n");
        if (r.hold().holding()) {
            out.append("  holding since ").append(r.hold().since()).append(" (last checked ")
                    .append(r.hold().lastChecked()).append("): ").append(r.hold().reason()).append("\n");
        }
        if (r.hold().holds() > 0) {
            out.append(String.format("  held %d time(s), %s in all (docs/throttle.md#holds)\n", r.hold().holds(),
                    ProgressBar.format(Duration.ofSeconds(r.hold().heldSeconds()))));
        }
        if (r.lastError() != null) {
            out.append("  last error: ").append(r.lastError()).append("\n");
        }
        List<List<String>> rows = new ArrayList<>();
        for (TableStatus t : r.tables()) {
            rows.add(List.of(t.table(), String.valueOf(t.height()), t.status(), String.format("%,d", t.cached()),
                    String.format("%,d", t.deleted()), String.format("%,d", t.restored()),
                    String.format("%,d", t.remaining()), String.format("%,.0f", t.ratePerSecond()),
                    t.lastError() == null ? "" : t.lastError()));
        }
        out.append("\n").append(TextTable.render(List.of("table", "height", "status", "cached", "deleted", "restored",
                "remaining", "rows/s", "last error"), rows));
        if (!r.triggerEffects().isEmpty()) {
            // DELETE triggers the job keeps enabled, writing outside the closure (docs/design.md#triggers)
            List<List<String>> effects = new ArrayList<>();
            for (JobProcedures.TriggerEffect e : r.triggerEffects()) {
                effects.add(List.of(e.table() == null ? "(unknown)" : e.table(), e.triggers(),
                        e.rowsBefore() == null ? "-" : String.format("%,d", e.rowsBefore()),
                        e.rowsAfter() == null ? "-" : String.format("%,d", e.rowsAfter()),
                        e.difference() == null ? (e.note() == null ? "-" : e.note())
                                : String.format("%+,d not backed up", e.difference())));
            }
            out.append("\nTables written by DELETE triggers kept enabled (not backed up, not restored by rollback):\n")
                    .append(TextTable.render(List.of("table", "triggers", "rows before", "rows after", "difference"),
                            effects));
        }
        return out.toString();
    }

    public static String json(RunStatus r) throws com.fasterxml.jackson.core.JsonProcessingException {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(r);
    }
}
