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
            procs.markExpired(run);
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

    /** One line per run, for the console. */
    public static void print(PrintWriter out, Result r, boolean dryRun) {
        out.println(String.format("Run %d: %s%,d backup rows%s; %s.", r.run(), dryRun ? "would drop " : "dropped ",
                r.rows(), dryRun ? " (dry run, nothing changed)" : ", run marked expired",
                r.archives().isEmpty() ? "no archive of it is recorded: rollback is no longer possible"
                        : "archived in " + String.join(", ", r.archives())));
    }
}
