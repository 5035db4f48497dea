package io.declutter.runner.purge;

import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.JobProcedures.BackupTable;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Drops a finished run's backup rows (docs/archive.md#expiry): the run is marked 'expired' first, with who and when
 * (so no rollback starts meanwhile), then each backup table loses the run's rows in batches, each batch committed on
 * its own (short transactions, no long lock). An expiry interrupted midway is finished by the next one.
 */
public final class Expiry {

    /** Rows per delete batch. */
    public static final int BATCH = 10_000;

    private Expiry() {
    }

    /** What expiring a run drops (or, for a dry run, would drop). */
    public record Result(long run, long rows, List<String> archives) {
    }

    /** The finished runs of the job whose backup is due: ended more than {@code keep} ago. */
    public static List<Long> due(JobProcedures procs, Duration keep, Instant now) throws SQLException {
        return procs.finishedBefore(now.minus(keep));
    }

    public static Result expire(Connection c, JobProcedures procs, long run, boolean dryRun) throws SQLException {
        List<BackupTable> tables = procs.backupTables();
        List<String> archives = procs.archives(run).stream().map(JobProcedures.ArchiveRecord::location).toList();
        long rows = 0;
        if (dryRun) {
            for (BackupTable t : tables) {
                rows += procs.backupRows(run, t);
            }
            return new Result(run, rows, archives);
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(true);
        try {
            // What verify says just before the backup goes, kept in the log for the erasure receipt: afterwards no
            // backup is left to tell which rows were purged.
            String note = "backup expires";
            if (!"expired".equals(procs.runInfo(run).status())) {
                Verification.Result v = Verification.verify(c, procs, run);
                long present = v.rows().stream().mapToLong(Verification.Row::present).sum();
                long orphans = v.rows().stream().mapToLong(Verification.Row::orphans).sum();
                note = "backup expires; verify before: " + (v.ok() ? "OK" : "FAILED") + ", " + present
                        + " purged rows present, " + orphans + " orphans (run " + v.runStatus() + ")";
            }
            procs.markExpired(run, note);
            for (BackupTable t : tables) {
                long n;
                do {
                    n = procs.expireBatch(run, t, BATCH);
                    rows += n;
                } while (n == BATCH);
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
        return new Result(run, rows, archives);
    }

    /** A keep period as the job file writes it: 30d, 12h, 90min, 0. */
    public static String describe(Duration keep) {
        if (keep.isZero()) {
            return "0";
        }
        long s = keep.toSeconds();
        return s % 86_400 == 0 ? s / 86_400 + "d" : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "min"
                : s + "s";
    }

    /** One line per run, for the console. */
    public static void print(PrintWriter out, Result r, boolean dryRun) {
        out.println(String.format("Run %d: %s%,d backup rows%s; %s.", r.run(), dryRun ? "would drop " : "dropped ",
                r.rows(), dryRun ? " (dry run, nothing changed)" : ", run marked expired",
                r.archives().isEmpty() ? "no archive of it is recorded: rollback is no longer possible"
                        : "archived in " + String.join(", ", r.archives())));
    }
}
