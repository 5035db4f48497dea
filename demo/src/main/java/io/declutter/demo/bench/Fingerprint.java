package io.declutter.demo.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The content of every table of schema {@code saas}: row count and an order-independent hash (the sum of a 64-bit
 * hash of each row's text, every column included). Two databases with equal fingerprints hold the same rows.
 */
record Fingerprint(Map<String, Sum> tables) {

    record Sum(long rows, String hash) {
    }

    long rows() {
        return tables.values().stream().mapToLong(Sum::rows).sum();
    }

    static Fingerprint of(BenchDatabase db, int threads) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n"
                        + " ON n.oid = c.relnamespace WHERE n.nspname = '" + SyntheticSchema.SCHEMA + "' AND c.relkind = 'r'"
                        + " ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            Map<String, Future<Sum>> futures = new TreeMap<>();
            for (String t : names) {
                futures.put(t, pool.submit(() -> {
                    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                            "SELECT count(*), COALESCE(sum(hashtextextended(x::text, 0)::numeric), 0)::text FROM " + t
                                    + " AS x")) {
                        rs.next();
                        return new Sum(rs.getLong(1), rs.getString(2));
                    }
                }));
            }
            Map<String, Sum> sums = new TreeMap<>();
            for (Map.Entry<String, Future<Sum>> e : futures.entrySet()) {
                sums.put(e.getKey(), e.getValue().get());
            }
            return new Fingerprint(sums);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Tables whose content differs from the other fingerprint's (empty: the same rows). */
    List<String> differences(Fingerprint other) {
        List<String> diff = new ArrayList<>();
        for (String t : tables.keySet()) {
            if (!tables.get(t).equals(other.tables.get(t))) {
                diff.add(t);
            }
        }
        return diff;
    }
}
