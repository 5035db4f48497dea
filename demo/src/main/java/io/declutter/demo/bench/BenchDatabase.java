package io.declutter.demo.bench;

import io.declutter.localdb.JdbcUrls;
import io.declutter.localdb.PostgresLocator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The databases of a benchmark on one server: a loaded database used as a template, and fresh copies of it
 * ({@code CREATE DATABASE ... TEMPLATE ... STRATEGY FILE_COPY}), one per measured purge, dropped afterwards.
 */
public final class BenchDatabase {

    private final PostgresLocator.Server server;
    private final String name;

    private BenchDatabase(PostgresLocator.Server server, String name) {
        this.server = server;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public String url() {
        return JdbcUrls.withDatabase(server.adminUrl(), name);
    }

    public Connection connect() {
        return server.connect(url());
    }

    public PostgresLocator.Server server() {
        return server;
    }

    /** Creates the database and loads the synthetic schema into it (set-based, two sessions in parallel). */
    public static BenchDatabase load(PostgresLocator.Server server, String name, SyntheticSchema schema, int threads,
                                     Consumer<String> log) throws Exception {
        admin(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        admin(server, "CREATE DATABASE " + name);
        BenchDatabase db = new BenchDatabase(server, name);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(schema.ddl());
            st.execute(schema.layoutSql());
        }
        long t0 = System.nanoTime();
        List<String> loads = new ArrayList<>(schema.loadSql().values());
        db.parallel(loads, threads);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(schema.tenantStatusSql());
        }
        log.accept(String.format("loaded %d tables in %.0f s", loads.size(), secs(t0)));
        t0 = System.nanoTime();
        List<String> keys = new ArrayList<>();
        for (String stmt : schema.constraintsSql().split(";\n")) {
            if (stmt.contains("PRIMARY KEY")) {
                keys.add(stmt);
            }
        }
        db.parallel(keys, threads);
        db.parallel(schema.indexStatements(), threads);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET maintenance_work_mem = '256MB'");
            st.execute(schema.foreignKeysSql());
        }
        log.accept(String.format("keys, indexes and foreign keys in %.0f s", secs(t0)));
        t0 = System.nanoTime();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("VACUUM (FREEZE, ANALYZE)");
        }
        log.accept(String.format("VACUUM (FREEZE, ANALYZE) in %.0f s", secs(t0)));
        return db;
    }

    /** A database that exists already (a copy). */
    static BenchDatabase existing(PostgresLocator.Server server, String name) {
        return new BenchDatabase(server, name);
    }

    /** A fresh copy of this database under another name (nobody may be connected to this one). */
    public BenchDatabase copy(String copyName) throws SQLException, InterruptedException {
        admin(server, "DROP DATABASE IF EXISTS " + copyName + " WITH (FORCE)");
        SQLException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                admin(server, "CREATE DATABASE " + copyName + " TEMPLATE " + name + " STRATEGY FILE_COPY");
                return new BenchDatabase(server, copyName);
            } catch (SQLException e) {
                last = e; // "source database is being accessed by other users": an autovacuum worker, usually
                Thread.sleep(2000);
            }
        }
        throw last;
    }

    public void drop() throws SQLException {
        admin(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private void parallel(List<String> statements, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String sql : statements) {
                futures.add(pool.submit(() -> {
                    try (Connection c = connect(); Statement st = c.createStatement()) {
                        st.execute("SET synchronous_commit = off; SET maintenance_work_mem = '256MB';"
                                + " SET max_parallel_maintenance_workers = 0");
                        st.execute(sql);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static void admin(PostgresLocator.Server server, String sql) throws SQLException {
        try (Connection c = server.connect(server.adminUrl()); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Rows per tenant (from the layout), for choosing the tenants a purge closes. */
    public Map<Long, Long> rowsPerTenant() throws SQLException {
        Map<Long, Long> rows = new TreeMap<>();
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT tenant_id, sum(n) FROM bench.layout WHERE tenant_id > 0 GROUP BY tenant_id")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return rows;
    }

    /** Total rows of the schema (from the layout). */
    public long totalRows() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT sum(n) FROM bench.layout")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Closes exactly the given tenants (status 'closed'), opens the others. */
    public void closeTenants(List<Long> tenants) throws SQLException {
        try (Connection c = connect()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE saas.tenants SET status = CASE WHEN id = ANY (?)"
                    + " THEN 'closed' ELSE 'active' END, closed_at = CASE WHEN id = ANY (?) THEN timestamptz"
                    + " '2024-01-01 00:00:00+00' END WHERE status IS DISTINCT FROM CASE WHEN id = ANY (?) THEN 'closed'"
                    + " ELSE 'active' END")) {
                Long[] ids = tenants.toArray(Long[]::new);
                for (int i = 1; i <= 3; i++) {
                    ps.setArray(i, c.createArrayOf("bigint", ids));
                }
                ps.executeUpdate();
            }
            try (Statement st = c.createStatement()) {
                st.execute("VACUUM (ANALYZE) saas.tenants");
            }
        }
    }

    static double secs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
