package io.declutter.demo.bench;

import io.declutter.dialect.Resources;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The recursive per-row delete cascade function (resource {@code bench/delete_cascade.sql}), called once per closed
 * tenant, each call its own transaction, until done or the time cap (the call in flight is then cancelled and rolled
 * back; the sequence it bumps per deleted row still says how far it got).
 */
final class RowCascadeMethod implements PurgeMethod {

    @Override
    public String title() {
        return "per-row cascade function";
    }

    @Override
    public String description() {
        return "a recursive PL/pgSQL delete_cascade(table, condition) of the kind widely published: per row, reads the"
                + " referencing FKs from pg_constraint, recurses into the referencing rows with dynamic SQL (SET NULL"
                + " references updated), deletes the row; one call and transaction per tenant";
    }

    @Override
    public boolean capped() {
        return true;
    }

    @Override
    public String prepare(BenchDatabase db, Purge purge) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(Resources.text(RowCascadeMethod.class, "/bench/delete_cascade.sql"));
        }
        return null;
    }

    @Override
    public Outcome run(BenchDatabase db, Purge purge) throws Exception {
        long start = System.nanoTime();
        long capNanos = purge.cap().toNanos();
        Duration longest = Duration.ZERO;
        boolean finished = true;
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT bench.delete_cascade('" + Purge.ROOT
                     + "'::regclass, 'id = ' || ?)")) {
            for (long tenant : purge.tenants()) {
                long left = capNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    finished = false;
                    break;
                }
                try (Statement st = c.createStatement()) {
                    st.execute("SET statement_timeout = " + Math.max(1, left / 1_000_000));
                }
                long t0 = System.nanoTime();
                try {
                    ps.setLong(1, tenant);
                    ps.executeQuery().close();
                } catch (SQLException e) {
                    if (!"57014".equals(e.getSQLState())) {
                        throw e;
                    }
                    finished = false;
                }
                Duration d = Duration.ofNanos(System.nanoTime() - t0);
                longest = d.compareTo(longest) > 0 ? d : longest;
                if (!finished) {
                    break;
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("SET statement_timeout = 0");
            }
            long processed;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM bench.rows_deleted")) {
                rs.next();
                processed = rs.getLong(1);
            }
            return new Outcome(finished, processed, longest, 0, finished ? null
                    : "stopped by the time cap in a tenant's transaction (rolled back)");
        }
    }
}
