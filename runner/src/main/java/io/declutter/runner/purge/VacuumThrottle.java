package io.declutter.runner.purge;

import io.declutter.dialect.HealthReading;
import io.declutter.dialect.HealthSignals;
import io.declutter.dialect.MaintenanceGate;
import io.declutter.model.Throttle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The throttle of the VACUUM (ANALYZE) after a run (docs/throttle.md#after-the-run): before each table it reads the
 * health signals the job limits, as the purge does before every unit, and waits with back-off while one says hold.
 * A VACUUM writes WAL and reads the whole table, so a standby that fell behind, or an old transaction, is waited for
 * here too. When the window ends while holding, the pass ends and autovacuum is left the remaining tables: the run is
 * done either way.
 */
final class VacuumThrottle implements MaintenanceGate {

    private static final Logger LOG = LoggerFactory.getLogger(VacuumThrottle.class);
    private static final long FIRST_HOLD_MS = 500;
    private static final long MAX_HOLD_MS = 10_000;

    private final HealthSignals signals;
    private final Supplier<Throttle> throttle;
    private final Optional<Instant> deadline;
    private final PrintWriter out;
    private final HoldCauses holdCauses = new HoldCauses();

    VacuumThrottle(HealthSignals signals, Supplier<Throttle> throttle, Optional<Instant> deadline, PrintWriter out) {
        this.signals = signals;
        this.throttle = throttle;
        this.deadline = deadline;
        this.out = out;
    }

    @Override
    public boolean mayVisit(String table) throws SQLException, InterruptedException {
        long backoff = FIRST_HOLD_MS;
        String reported = null;
        Instant since = null;
        while (true) {
            Throttle limits = throttle.get();
            if (!limits.readsSignals()) {
                return true;
            }
            List<String> causes = holdCauses.of(limits, signals.read(limits)).stream().map(HealthReading::reason).toList();
            if (causes.isEmpty()) {
                if (since != null) {
                    LOG.info("VACUUM goes on with {} after holding {} ms", table,
                            Duration.between(since, Instant.now()).toMillis());
                }
                return true;
            }
            String reason = String.join("; ", causes);
            if (since == null) {
                since = Instant.now();
            }
            if (!reason.equals(reported)) {
                out.println("VACUUM holding before " + table + ": " + reason);
                out.flush();
                LOG.info("VACUUM holding before {}: {}", table, reason);
                reported = reason;
            }
            long sleep = backoff;
            if (deadline.isPresent()) {
                long left = Duration.between(Instant.now(), deadline.get()).toMillis();
                if (left <= 0) {
                    LOG.info("VACUUM ends before {}: the window ended while holding", table);
                    return false;
                }
                sleep = Math.min(sleep, left + 1);
            }
            Thread.sleep(sleep);
            backoff = Math.min(MAX_HOLD_MS, backoff * 2);
        }
    }
}
