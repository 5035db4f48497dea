package io.declutter.demo.bench;

import io.declutter.model.Catalog;
import io.declutter.model.ForeignKey;
import io.declutter.model.TableName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ORM-style client loop over JDBC, like Django's {@code Collector} without its fast path (or Rails'
 * {@code destroy}): per tenant, in one transaction, load the related objects level by level ({@code SELECT *} of the
 * children of the objects collected so far, in batches of keys), then reset SET NULL references and delete every
 * collected row with one statement each, children before parents. The models (tables and FKs) are known in advance,
 * as an ORM knows them: read from the catalog before the clock starts.
 */
final class OrmLoopMethod implements PurgeMethod {

    private static final int IN_BATCH = 500;

    private Catalog catalog;
    private Closure closure;

    @Override
    public String title() {
        return "ORM-style client loop";
    }

    @Override
    public String description() {
        return "JDBC client loop like Django's Collector without its fast path: per tenant and transaction, load the"
                + " related rows (`SELECT *` by batches of parent keys), then one UPDATE per SET NULL reference and one"
                + " DELETE per row, children first";
    }

    @Override
    public boolean capped() {
        return true;
    }

    @Override
    public String prepare(BenchDatabase db, Purge purge) throws Exception {
        try (Connection c = db.connect()) {
            catalog = Closure.read(c);
        }
        closure = new Closure(catalog, FloorMethod.tableName(Purge.ROOT));
        return null;
    }

    /** A collected row: its values by column name. */
    private record Row(Map<String, Object> values) {
        List<Object> get(List<String> cols) {
            List<Object> out = new ArrayList<>(cols.size());
            for (String c : cols) {
                out.add(values.get(c));
            }
            return out;
        }
    }

    private final class Collector {
        final Connection c;
        final Map<TableName, LinkedHashMap<List<Object>, Row>> rows = new LinkedHashMap<>();
        final List<Object[]> updates = new ArrayList<>(); // {fk, key values}
        final Deadline deadline;

        Collector(Connection c, Deadline deadline) {
            this.c = c;
            this.deadline = deadline;
        }

        void collect(TableName root, long id) throws SQLException {
            Deque<Map.Entry<TableName, List<Row>>> todo = new ArrayDeque<>();
            List<Row> first = load(root, List.of("id"), List.of(List.of(id)));
            add(root, first, todo);
            while (!todo.isEmpty()) {
                deadline.check();
                Map.Entry<TableName, List<Row>> next = todo.poll();
                for (ForeignKey fk : catalog.referencing(next.getKey())) {
                    List<List<Object>> parentValues = new ArrayList<>();
                    for (Row r : next.getValue()) {
                        List<Object> v = r.get(fk.parentColumns());
                        if (!v.contains(null)) {
                            parentValues.add(v);
                        }
                    }
                    if (parentValues.isEmpty()) {
                        continue;
                    }
                    List<Row> children = load(fk.child(), fk.childColumns(), parentValues);
                    if (Closure.nulls(fk)) {
                        List<String> key = closure.key(fk.child());
                        for (Row ch : children) {
                            updates.add(new Object[] {fk, ch.get(key)});
                        }
                    } else {
                        add(fk.child(), children, todo);
                    }
                }
            }
        }

        private void add(TableName t, List<Row> found, Deque<Map.Entry<TableName, List<Row>>> todo) {
            LinkedHashMap<List<Object>, Row> seen = rows.computeIfAbsent(t, k -> new LinkedHashMap<>());
            List<String> key = closure.key(t);
            List<Row> fresh = new ArrayList<>();
            for (Row r : found) {
                if (seen.putIfAbsent(r.get(key), r) == null) {
                    fresh.add(r);
                }
            }
            if (!fresh.isEmpty()) {
                todo.add(Map.entry(t, fresh));
            }
        }

        /** SELECT * FROM t WHERE (cols) IN (values...), in batches. */
        private List<Row> load(TableName t, List<String> cols, List<List<Object>> values) throws SQLException {
            List<Row> out = new ArrayList<>();
            for (int from = 0; from < values.size(); from += IN_BATCH) {
                deadline.check();
                List<List<Object>> batch = values.subList(from, Math.min(values.size(), from + IN_BATCH));
                String tuple = "(" + String.join(", ", cols.stream().map(x -> "?").toList()) + ")";
                String sql = "SELECT * FROM " + Closure.q(t) + " WHERE ("
                        + String.join(", ", cols.stream().map(Closure::ident).toList()) + ") IN ("
                        + String.join(", ", java.util.Collections.nCopies(batch.size(), tuple)) + ")";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = 1;
                    for (List<Object> v : batch) {
                        for (Object o : v) {
                            ps.setObject(i++, o);
                        }
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        ResultSetMetaData md = rs.getMetaData();
                        while (rs.next()) {
                            Map<String, Object> m = new HashMap<>();
                            for (int k = 1; k <= md.getColumnCount(); k++) {
                                m.put(md.getColumnName(k), rs.getObject(k));
                            }
                            out.add(new Row(m));
                        }
                    }
                }
            }
            return out;
        }

        /** Deletes every collected row, one statement each; returns rows deleted. */
        long delete(long[] counter) throws SQLException {
            for (Object[] u : updates) {
                ForeignKey fk = (ForeignKey) u[0];
                @SuppressWarnings("unchecked") List<Object> key = (List<Object>) u[1];
                List<String> keyCols = closure.key(fk.child());
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + Closure.q(fk.child()) + " SET "
                        + String.join(", ", fk.childColumns().stream().map(x -> Closure.ident(x) + " = NULL").toList())
                        + " WHERE " + String.join(" AND ", keyCols.stream().map(x -> Closure.ident(x) + " = ?").toList()))) {
                    for (int i = 0; i < key.size(); i++) {
                        ps.setObject(i + 1, key.get(i));
                    }
                    ps.executeUpdate();
                }
                deadline.check();
            }
            long deleted = 0;
            for (TableName t : deleteOrder()) {
                List<String> keyCols = closure.key(t);
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Closure.q(t) + " WHERE "
                        + String.join(" AND ", keyCols.stream().map(x -> Closure.ident(x) + " = ?").toList()))) {
                    for (Row r : rowsChildrenFirst(t)) {
                        List<Object> key = r.get(keyCols);
                        for (int i = 0; i < key.size(); i++) {
                            ps.setObject(i + 1, key.get(i));
                        }
                        int n = ps.executeUpdate();
                        deleted += n;
                        counter[0] += n;
                        deadline.check();
                    }
                }
            }
            return deleted;
        }

        /** Collected tables, every table before the tables it references. */
        private List<TableName> deleteOrder() {
            List<TableName> order = new ArrayList<>(closure.order);
            java.util.Collections.reverse(order);
            order.retainAll(rows.keySet());
            return order;
        }

        /** A self-referencing table's rows, deepest in its tree first. */
        private List<Row> rowsChildrenFirst(TableName t) {
            LinkedHashMap<List<Object>, Row> byKey = rows.get(t);
            List<ForeignKey> self = closure.incoming.getOrDefault(t, List.of()).stream()
                    .filter(ForeignKey::selfReference).toList();
            if (self.isEmpty()) {
                return new ArrayList<>(byKey.values());
            }
            Map<List<Object>, Integer> depth = new HashMap<>();
            for (List<Object> k : byKey.keySet()) {
                depth(k, byKey, self.get(0), depth, new LinkedHashSet<>());
            }
            List<Row> out = new ArrayList<>(byKey.values());
            List<String> keyCols = closure.key(t);
            out.sort((a, b) -> Integer.compare(depth.get(b.get(keyCols)), depth.get(a.get(keyCols))));
            return out;
        }

        private int depth(List<Object> k, Map<List<Object>, Row> byKey, ForeignKey fk, Map<List<Object>, Integer> memo,
                          Set<List<Object>> path) {
            Integer d = memo.get(k);
            if (d != null) {
                return d;
            }
            List<Object> parent = byKey.get(k).get(fk.childColumns());
            int result = 0;
            if (!parent.contains(null) && byKey.containsKey(parent) && path.add(k)) {
                result = 1 + depth(parent, byKey, fk, memo, path);
            }
            memo.put(k, result);
            return result;
        }
    }

    /** Thrown between statements once the time cap is reached. */
    private static final class CapReached extends RuntimeException {
        CapReached() {
            super(null, null, false, false);
        }
    }

    private record Deadline(long atNanos) {
        void check() {
            if (System.nanoTime() > atNanos) {
                throw new CapReached();
            }
        }
    }

    @Override
    public Outcome run(BenchDatabase db, Purge purge) throws Exception {
        long start = System.nanoTime();
        Deadline deadline = new Deadline(start + purge.cap().toNanos());
        Duration longest = Duration.ZERO;
        long[] processed = {0};
        boolean finished = true;
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            for (long tenant : purge.tenants()) {
                long t0 = System.nanoTime();
                try {
                    Collector col = new Collector(c, deadline);
                    col.collect(closure.root, tenant);
                    col.delete(processed);
                    c.commit();
                } catch (CapReached e) {
                    c.rollback();
                    finished = false;
                }
                Duration d = Duration.ofNanos(System.nanoTime() - t0);
                longest = d.compareTo(longest) > 0 ? d : longest;
                if (!finished) {
                    break;
                }
            }
        }
        return new Outcome(finished, processed[0], longest, 0, finished ? null
                : "stopped by the time cap in a tenant's transaction (rolled back)");
    }
}
