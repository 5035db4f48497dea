package io.declutter.demo.bench;

import org.HdrHistogram.Histogram;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The OLTP workload of the benchmark under load (docs/benchmark.md#under-load): client sessions, each a loop of short
 * transactions on the synthetic database, without think time: reads and writes on live tenants (a task and its
 * comments read; a task's status updated; a comment and an audit event inserted), and the same inserts under the
 * tenants being purged, which are expected to fail with a foreign-key violation once the purge has taken their
 * parents (and, before that, add late rows the purge must take too). Every transaction's latency goes into an
 * HdrHistogram, failed ones included (a client waits for them as well); failures are counted by kind.
 */
final class OltpLoad implements AutoCloseable {

    /** What a transaction does; the shares add up to 100. */
    enum Kind {
        READ(40), UPDATE(20), INSERT_LIVE(30), INSERT_PURGED(10);

        final int percent;

        Kind(int percent) {
            this.percent = percent;
        }
    }

    /** How a transaction failed (SQLSTATE classes of docs/benchmark.md#under-load). */
    enum Failure {
        FK_VIOLATION, DEADLOCK, LOCK_TIMEOUT, STATEMENT_TIMEOUT, OTHER;

        static Failure of(SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            return switch (state) {
                case "23503" -> FK_VIOLATION;
                case "40P01" -> DEADLOCK;
                case "55P03" -> LOCK_TIMEOUT;
                case "57014" -> STATEMENT_TIMEOUT;
                default -> OTHER;
            };
        }
    }

    /**
     * What the clients did while the load ran.
     *
     * @param seconds        how long it ran
     * @param transactions   transactions that committed
     * @param latency        latency of every transaction, committed or failed, in microseconds
     * @param liveFailures   failures of transactions on live tenants, by kind (none expected)
     * @param purgedFailures failures of inserts under purged tenants, by kind (FK violations expected)
     * @param purgedInserted inserts under purged tenants that committed (late rows the purge must take)
     * @param firstError     the message of the first unexpected failure, or null
     */
    record Stats(double seconds, long transactions, Histogram latency, Map<Failure, Long> liveFailures,
                 Map<Failure, Long> purgedFailures, long purgedInserted, String firstError) {

        double perSecond() {
            return transactions / Math.max(1e-9, seconds);
        }

        long liveErrors() {
            return liveFailures.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Failures under purged tenants other than FK violations. */
        long purgedUnexpected() {
            return purgedFailures.entrySet().stream().filter(e -> e.getKey() != Failure.FK_VIOLATION)
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }

    /** The rows the clients work on: tasks and accounts of live tenants, and of the tenants being purged. */
    record Targets(long[] liveTasks, long[] liveAccounts, long[] liveAccountTenants, long[] purgedTasks,
                   long[] purgedAccounts, long[] purgedAccountTenants) {

        /** Reads a sample of each from the database (up to {@code max} of each, every n-th row in key order). */
        static Targets read(Connection c, int max) throws SQLException {
            String tasks = "SELECT t.id FROM saas.tasks AS t JOIN saas.projects AS p ON p.id = t.project_id"
                    + " JOIN saas.workspaces AS w ON w.id = p.workspace_id JOIN saas.tenants AS n ON n.id = w.tenant_id"
                    + " WHERE (n.status = 'closed') = ? ORDER BY t.id";
            String accounts = "SELECT a.id, a.tenant_id FROM saas.accounts AS a JOIN saas.tenants AS n"
                    + " ON n.id = a.tenant_id WHERE (n.status = 'closed') = ? ORDER BY a.id";
            long[][] liveTasks = sample(c, tasks, false, max, 1);
            long[][] liveAccounts = sample(c, accounts, false, max, 2);
            long[][] purgedTasks = sample(c, tasks, true, max, 1);
            long[][] purgedAccounts = sample(c, accounts, true, max, 2);
            if (liveTasks[0].length == 0 || liveAccounts[0].length == 0 || purgedTasks[0].length == 0
                    || purgedAccounts[0].length == 0) {
                throw new IllegalStateException("the database has no tasks or accounts of live or of closed tenants"
                        + " to put load on: use a larger --scale");
            }
            return new Targets(liveTasks[0], liveAccounts[0], liveAccounts[1], purgedTasks[0], purgedAccounts[0],
                    purgedAccounts[1]);
        }

        private static long[][] sample(Connection c, String sql, boolean closed, int max, int columns)
                throws SQLException {
            List<long[]> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setBoolean(1, closed);
                ps.setFetchSize(10_000);
                boolean autoCommit = c.getAutoCommit();
                c.setAutoCommit(false); // a cursor: the rows are streamed
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long[] row = new long[columns];
                        for (int i = 0; i < columns; i++) {
                            row[i] = rs.getLong(i + 1);
                        }
                        rows.add(row);
                    }
                } finally {
                    c.commit();
                    c.setAutoCommit(autoCommit);
                }
            }
            int step = Math.max(1, rows.size() / Math.max(1, max));
            List<long[]> kept = new ArrayList<>();
            for (int i = 0; i < rows.size() && kept.size() < max; i += step) {
                kept.add(rows.get(i));
            }
            long[][] out = new long[columns][kept.size()];
            for (int i = 0; i < kept.size(); i++) {
                for (int j = 0; j < columns; j++) {
                    out[j][i] = kept.get(i)[j];
                }
            }
            return out;
        }
    }

    /** Client settings: a client gives up on a lock after this, and on a statement after the other. */
    static final String CLIENT_SETTINGS = "SET lock_timeout = '5s'; SET statement_timeout = '30s'";

    private final BenchDatabase db;
    private final Targets targets;
    private final int clients;
    private final long seed;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Client> running = new ArrayList<>();
    private ExecutorService pool;
    private List<Future<?>> futures;
    private long started;

    OltpLoad(BenchDatabase db, Targets targets, int clients, long seed) {
        this.db = db;
        this.targets = targets;
        this.clients = clients;
        this.seed = seed;
    }

    /** Creates the sequence the inserts take their ids from (far above the synthetic ids). */
    static void prepare(BenchDatabase db) throws SQLException {
        db.execute("CREATE SEQUENCE IF NOT EXISTS bench.load_ids START 1000000000000");
    }

    /** Connects the clients and starts them; the latency counts from here. */
    void start() throws SQLException {
        pool = Executors.newFixedThreadPool(clients);
        futures = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Connection c = db.connect();
            try (Statement st = c.createStatement()) {
                st.execute(CLIENT_SETTINGS);
            }
            running.add(new Client(c, new SplittableRandom(seed * 31 + i)));
        }
        started = System.nanoTime();
        for (Client client : running) {
            futures.add(pool.submit(client));
        }
    }

    /** Stops the clients after their current transaction and adds up what they did. */
    Stats stop() throws Exception {
        stop.set(true);
        double seconds = (System.nanoTime() - started) / 1e9;
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        Histogram all = new Histogram(TimeUnit.HOURS.toMicros(1), 3);
        long committed = 0;
        long purgedInserted = 0;
        Map<Failure, Long> live = new EnumMap<>(Failure.class);
        Map<Failure, Long> purged = new EnumMap<>(Failure.class);
        for (Failure f : Failure.values()) {
            live.put(f, 0L);
            purged.put(f, 0L);
        }
        String firstError = null;
        for (Client c : running) {
            all.add(c.latency);
            committed += c.committed;
            purgedInserted += c.purgedInserted;
            c.live.forEach((k, v) -> live.merge(k, v, Long::sum));
            c.purged.forEach((k, v) -> purged.merge(k, v, Long::sum));
            if (firstError == null) {
                firstError = c.firstError;
            }
        }
        return new Stats(seconds, committed, all, live, purged, purgedInserted, firstError);
    }

    @Override
    public void close() {
        stop.set(true);
        if (pool != null) {
            pool.shutdownNow();
        }
        for (Client c : running) {
            try {
                c.connection.close();
            } catch (SQLException ignored) {
                // the database is being dropped
            }
        }
    }

    /** One client session: a loop of transactions until stopped. */
    private final class Client implements Runnable {
        final Connection connection;
        final SplittableRandom random;
        final Histogram latency = new Histogram(TimeUnit.HOURS.toMicros(1), 3);
        final Map<Failure, Long> live = new EnumMap<>(Failure.class);
        final Map<Failure, Long> purged = new EnumMap<>(Failure.class);
        long committed;
        long purgedInserted;
        String firstError;

        Client(Connection connection, SplittableRandom random) {
            this.connection = connection;
            this.random = random;
        }

        @Override
        public void run() {
            try (PreparedStatement readTask = connection.prepareStatement(
                    "SELECT id, title, status, due_at FROM saas.tasks WHERE id = ?");
                 PreparedStatement readComments = connection.prepareStatement(
                         "SELECT id, author_name, body, created_at FROM saas.task_comments WHERE task_id = ?"
                                 + " ORDER BY id DESC LIMIT 20");
                 PreparedStatement update = connection.prepareStatement(
                         "UPDATE saas.tasks SET status = ?, closed_at = now() WHERE id = ?");
                 PreparedStatement comment = connection.prepareStatement("INSERT INTO saas.task_comments"
                         + " (id, task_id, author_name, body, created_at) VALUES (nextval('bench.load_ids'), ?,"
                         + " 'load client', 'A comment written while the benchmark purges.', now())");
                 PreparedStatement audit = connection.prepareStatement("INSERT INTO saas.audit_events"
                         + " (id, tenant_id, actor_id, action, target, ip, created_at) VALUES"
                         + " (nextval('bench.load_ids'), ?, ?, 'comment', 'task', '127.0.0.1', now())")) {
                connection.setAutoCommit(false);
                while (!stop.get()) {
                    Kind kind = pick();
                    long t0 = System.nanoTime();
                    try {
                        switch (kind) {
                            case READ -> {
                                long task = any(targets.liveTasks());
                                readTask.setLong(1, task);
                                drain(readTask);
                                readComments.setLong(1, task);
                                drain(readComments);
                            }
                            case UPDATE -> {
                                update.setString(1, random.nextBoolean() ? "open" : "done");
                                update.setLong(2, any(targets.liveTasks()));
                                update.executeUpdate();
                            }
                            case INSERT_LIVE -> insert(comment, audit, targets.liveTasks(), targets.liveAccounts(),
                                    targets.liveAccountTenants());
                            case INSERT_PURGED -> insert(comment, audit, targets.purgedTasks(),
                                    targets.purgedAccounts(), targets.purgedAccountTenants());
                        }
                        connection.commit();
                        committed++;
                        if (kind == Kind.INSERT_PURGED) {
                            purgedInserted++;
                        }
                    } catch (SQLException e) {
                        rollback();
                        Failure f = Failure.of(e);
                        if (kind == Kind.INSERT_PURGED) {
                            purged.merge(f, 1L, Long::sum);
                        } else {
                            live.merge(f, 1L, Long::sum);
                        }
                        if (firstError == null && !(kind == Kind.INSERT_PURGED && f == Failure.FK_VIOLATION)) {
                            firstError = kind + ": " + e.getMessage();
                        }
                    }
                    latency.recordValue(Math.min(latency.getHighestTrackableValue(),
                            Math.max(0, (System.nanoTime() - t0) / 1000)));
                }
            } catch (SQLException e) {
                if (!stop.get() && firstError == null) {
                    firstError = "client: " + e.getMessage();
                }
            }
        }

        private void insert(PreparedStatement comment, PreparedStatement audit, long[] tasks, long[] accounts,
                            long[] accountTenants) throws SQLException {
            comment.setLong(1, any(tasks));
            comment.executeUpdate();
            int a = random.nextInt(accounts.length);
            audit.setLong(1, accountTenants[a]);
            audit.setLong(2, accounts[a]);
            audit.executeUpdate();
        }

        private Kind pick() {
            int r = random.nextInt(100);
            for (Kind k : Kind.values()) {
                if (r < k.percent) {
                    return k;
                }
                r -= k.percent;
            }
            return Kind.READ;
        }

        private long any(long[] ids) {
            return ids[random.nextInt(ids.length)];
        }

        private void rollback() {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // a broken connection: the next statement reports it
            }
        }

        private void drain(PreparedStatement ps) throws SQLException {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // read every row, as a client would
                }
            }
        }
    }
}
