package io.declutter.localdb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A wide synthetic schema, deterministic from a seed: 1,000 tables and 3,000 foreign keys in schema {@code wide}, for
 * the generator's scale test and the benchmark's wide scenario (docs/benchmark.md#wide). Real schemas are wide and
 * tenants small: this one has {@code wide.tenants} as the root, 899 tables reaching it (every one has a
 * {@code tenant_id}; its main parent is a random earlier table, so chains are a few tables deep and diamonds are
 * everywhere), single-column and composite {@code (tenant_id, id)} keys, nullable foreign keys with ON DELETE SET NULL,
 * CASCADE keys, several keys between the same two tables, 20 nullable self-references (trees) and 10 two-table cycles
 * through a nullable key, and 100 tables outside the closure: 50 global lookup tables the closure references, and 50
 * tables that point into the closure only through ON DELETE SET NULL keys.
 *
 * <p>The data ({@link #loadStatements()}) is small: tenant 1, the one purged ({@code status = 'closed'}), has 1 to 6
 * rows in most closure tables (a few thousand rows in all) and none in about a tenth of them (and their descendants
 * through the main key); the other tenants have {@link #ROWS_PER_TABLE} rows in every closure table. Every foreign key
 * stays within its tenant but those of the outside tables.
 */
public final class WideSchema {

    public static final String SCHEMA = "wide";
    public static final String ROOT = SCHEMA + ".tenants";
    /** The root rows the purge takes: tenant 1. */
    public static final String PREDICATE = "status = 'closed'";
    public static final int TABLES = 1000;
    public static final int FOREIGN_KEYS = 3000;
    public static final int TENANTS = 8;
    public static final int ROWS_PER_TABLE = 12;
    static final int CLOSURE = 899; // besides the root
    static final int LOOKUPS = 50;
    static final int OUTSIDE = 50;
    static final int LOOKUP_ROWS = 20;
    static final int OUTSIDE_ROWS = 200;
    private static final long ID_SPAN = 100_000; // a tenant's ids in a table: tenant * ID_SPAN + 1 ..

    private static final String[] NOUNS = {"accounts", "orders", "invoices", "tickets", "tasks", "projects", "documents",
        "comments", "events", "items", "payments", "contacts", "messages", "files", "notes", "reports", "assets",
        "shipments", "contracts", "campaigns"};

    /** A foreign key: child columns to parent columns. {@code outOfLine}: added after the tables (a cycle's back key). */
    public record Fk(String name, String child, List<String> columns, String parent, List<String> parentColumns,
                     String onDelete, boolean nullable, boolean outOfLine) {
    }

    /**
     * @param kind      root, closure, lookup or outside
     * @param main      the foreign key this table's rows hang from (its rows exist only where the parent's do)
     * @param composite primary key (tenant_id, id) instead of (id)
     */
    public record Table(String name, String kind, boolean composite, List<String> columns, List<Fk> fks, Fk main) {
        public String qualified() {
            return SCHEMA + "." + name;
        }
    }

    private final long seed;
    private final List<Table> tables = new ArrayList<>();
    private final Map<String, Table> byName = new LinkedHashMap<>();
    private final Map<String, int[]> rows = new LinkedHashMap<>(); // rows per tenant (index 1..TENANTS) of each table

    public WideSchema(long seed) {
        this.seed = seed;
        define();
    }

    public long seed() {
        return seed;
    }

    public List<Table> tables() {
        return Collections.unmodifiableList(tables);
    }

    public int foreignKeyCount() {
        return tables.stream().mapToInt(t -> t.fks().size()).sum();
    }

    /** The root and every table reaching it: the closure of a purge of tenants. */
    public List<String> closureTables() {
        return tables.stream().filter(t -> t.kind().equals("root") || t.kind().equals("closure"))
                .map(Table::qualified).toList();
    }

    /** Closure tables holding rows of the purged tenant (the root included). */
    public List<String> tablesWithPurgedRows() {
        return tables.stream().filter(t -> t.kind().equals("root") || t.kind().equals("closure"))
                .filter(t -> rows.get(t.name())[1] > 0).map(Table::qualified).toList();
    }

    /** Rows in every table of the schema, counted in the database. */
    public long rowsIn(Connection c) throws SQLException {
        return count(c, tables.stream().map(Table::qualified).toList(), "");
    }

    /** Rows of the purged tenant still in the database (the root row included): 0 after a complete purge. */
    public long purgedTenantRowsLeft(Connection c) throws SQLException {
        List<String> below = closureTables().stream().filter(t -> !t.equals(ROOT)).toList();
        return count(c, below, " WHERE tenant_id = 1") + count(c, List.of(ROOT), " WHERE id = 1");
    }

    /** Rows of the tables matching {@code where}, counted in statements of 200 tables each. */
    private static long count(Connection c, List<String> tables, String where) throws SQLException {
        long n = 0;
        try (Statement st = c.createStatement()) {
            for (int i = 0; i < tables.size(); i += 200) {
                String sql = String.join(" UNION ALL ", tables.subList(i, Math.min(tables.size(), i + 200)).stream()
                        .map(t -> "SELECT count(*) AS n FROM " + t + where).toList());
                try (ResultSet rs = st.executeQuery("SELECT sum(n) FROM (" + sql + ") AS x")) {
                    rs.next();
                    n += rs.getLong(1);
                }
            }
        }
        return n;
    }

    /** Rows of the purged tenant, over every closure table (the root row included). */
    public long purgedRows() {
        return tables.stream().filter(t -> t.kind().equals("root") || t.kind().equals("closure"))
                .mapToLong(t -> rows.get(t.name())[1]).sum();
    }

    // ------------------------------------------------------------------------------------------------ definition

    private final class Builder {
        final String name;
        final String kind;
        final boolean composite;
        final List<String> columns = new ArrayList<>();
        final List<Fk> fks = new ArrayList<>();
        Fk main;

        Builder(String name, String kind, boolean composite) {
            this.name = name;
            this.kind = kind;
            this.composite = composite;
        }

        Fk fk(String parent, String onDelete, boolean nullable, boolean outOfLine) {
            Table p = byName.get(parent);
            boolean self = parent.equals(name);
            String base = (self ? "parent" : parent) + "_id";
            String col = base;
            for (int n = 2; columns.contains(col); n++) {
                col = base + "_" + n;
            }
            columns.add(col);
            boolean comp = self ? composite : p.composite();
            List<String> cols = comp ? List.of("tenant_id", col) : List.of(col);
            List<String> pcols = comp ? List.of("tenant_id", "id") : List.of("id");
            Fk fk = new Fk("fk_" + name + "_" + col, name, cols, parent, pcols, onDelete, nullable, outOfLine);
            fks.add(fk);
            return fk;
        }

        Table build() {
            Table t = new Table(name, kind, composite, List.copyOf(columns), new ArrayList<>(fks), main);
            tables.add(t);
            byName.put(name, t);
            return t;
        }
    }

    private void define() {
        SplittableRandom r = new SplittableRandom(seed);
        int[] all = new int[TENANTS + 1];
        java.util.Arrays.fill(all, 1, TENANTS + 1, 1);
        new Builder("tenants", "root", false).build();
        rows.put("tenants", all);
        List<String> lookups = new ArrayList<>();
        for (int i = 1; i <= LOOKUPS; i++) {
            Builder b = new Builder(String.format(Locale.ROOT, "lookup_%02d", i), "lookup", false);
            if (i > 1 && i % 2 == 0) {
                b.fk(lookups.get(r.nextInt(lookups.size())), "NO ACTION", false, false);
            }
            b.build();
            lookups.add(b.name);
        }
        // The closure tables: table i hangs from a random earlier one (the root for the first 20).
        List<String> closure = new ArrayList<>();
        List<String> singleKey = new ArrayList<>(); // closure tables keyed by id alone
        for (int i = 1; i <= CLOSURE; i++) {
            boolean composite = i > 20 && r.nextInt(10) == 0;
            Builder b = new Builder(String.format(Locale.ROOT, "%s_%03d", NOUNS[i % NOUNS.length], i), "closure",
                    composite);
            b.columns.add("tenant_id");
            int[] n = new int[TENANTS + 1];
            if (i <= 20) {
                Fk fk = new Fk("fk_" + b.name + "_tenant_id", b.name, List.of("tenant_id"), "tenants", List.of("id"),
                        "NO ACTION", false, false);
                b.fks.add(fk);
                b.main = fk;
            } else {
                b.fks.add(new Fk("fk_" + b.name + "_tenant_id", b.name, List.of("tenant_id"), "tenants", List.of("id"),
                        "NO ACTION", false, false));
                String parent = closure.get(r.nextInt(closure.size()));
                b.main = b.fk(parent, r.nextInt(10) == 0 ? "CASCADE" : "NO ACTION", false, false);
            }
            int[] pn = b.main.parent().equals("tenants") ? all : rows.get(b.main.parent());
            boolean empty = r.nextInt(12) == 0 || pn[1] == 0;
            n[1] = empty ? 0 : 1 + r.nextInt(6);
            for (int k = 2; k <= TENANTS; k++) {
                n[k] = ROWS_PER_TABLE;
            }
            rows.put(b.name, n);
            if (r.nextInt(8) == 0) {
                b.fk(lookups.get(r.nextInt(lookups.size())), "NO ACTION", false, false);
            }
            b.build();
            closure.add(b.name);
            if (!composite) {
                singleKey.add(b.name);
            }
        }
        // 20 trees (nullable self-references) and 10 cycles through a nullable back key.
        List<String> shuffled = new ArrayList<>(singleKey);
        Collections.shuffle(shuffled, new java.util.Random(seed));
        for (String t : shuffled.subList(0, 20)) {
            addFk(t, t, "NO ACTION", true, false);
        }
        int cycles = 0;
        for (String t : shuffled.subList(20, shuffled.size())) {
            Table child = byName.get(t);
            if (cycles == 10 || child.main().parent().equals("tenants")) {
                continue;
            }
            addFk(child.main().parent(), t, "NO ACTION", true, true);
            cycles++;
        }
        // 50 tables outside the closure: a lookup and a SET NULL key into the closure.
        for (int i = 1; i <= OUTSIDE; i++) {
            Builder b = new Builder(String.format(Locale.ROOT, "outside_%02d", i), "outside", false);
            b.fk(lookups.get(r.nextInt(lookups.size())), "NO ACTION", false, false);
            b.fk(singleKey.get(r.nextInt(singleKey.size())), "SET NULL", true, false);
            b.build();
        }
        // More keys between closure tables, up to 3,000 in all: several between the same tables, nullable, SET NULL,
        // CASCADE; NOT NULL only where the parent has rows wherever the child has.
        while (foreignKeyCount() < FOREIGN_KEYS) {
            int c = 1 + r.nextInt(closure.size() - 1);
            String child = closure.get(c);
            String parent = closure.get(r.nextInt(c));
            boolean composite = byName.get(parent).composite();
            boolean notNullOk = rows.get(parent)[1] > 0 || rows.get(child)[1] == 0;
            int x = r.nextInt(10);
            if (x < 2 && !composite) {
                addFk(child, parent, "SET NULL", true, false);
            } else if (x < 5 || !notNullOk) {
                addFk(child, parent, "NO ACTION", true, false);
            } else if (x < 6) {
                addFk(child, parent, "CASCADE", false, false);
            } else {
                addFk(child, parent, "NO ACTION", false, false);
            }
        }
        if (tables.size() != TABLES || foreignKeyCount() != FOREIGN_KEYS) {
            throw new IllegalStateException(tables.size() + " tables, " + foreignKeyCount() + " foreign keys");
        }
    }

    /** Adds a key to a table already built (tables are immutable records: the table is rebuilt in place). */
    private void addFk(String childName, String parent, String onDelete, boolean nullable, boolean outOfLine) {
        Table t = byName.get(childName);
        Builder b = new Builder(t.name(), t.kind(), t.composite());
        b.columns.addAll(t.columns());
        b.fks.addAll(t.fks());
        b.main = t.main();
        b.fk(parent, onDelete, nullable, outOfLine);
        Table rebuilt = new Table(t.name(), t.kind(), t.composite(), List.copyOf(b.columns), b.fks, t.main());
        tables.set(tables.indexOf(t), rebuilt);
        byName.put(t.name(), rebuilt);
    }

    // ------------------------------------------------------------------------------------------------ SQL

    /** The schema: tables with their keys, the cycles' back keys, an index on every foreign key. One statement each. */
    public List<String> ddl() {
        List<String> s = new ArrayList<>();
        s.add("CREATE SCHEMA " + SCHEMA);
        for (Table t : tables) {
            StringBuilder b = new StringBuilder("CREATE TABLE ").append(t.qualified()).append(" (\n");
            b.append("    id bigint NOT NULL");
            for (String c : t.columns()) {
                b.append(",\n    ").append(c).append(" bigint").append(nullable(t, c) ? "" : " NOT NULL");
            }
            if (t.kind().equals("root")) {
                b.append(",\n    status varchar(20) NOT NULL");
            }
            b.append(",\n    name varchar(100),\n    created_at timestamptz NOT NULL,\n    amount numeric(12,2)");
            b.append(",\n    PRIMARY KEY (").append(t.composite() ? "tenant_id, id" : "id").append(")");
            for (Fk fk : t.fks()) {
                if (!fk.outOfLine()) {
                    b.append(",\n    ").append(constraint(fk));
                }
            }
            s.add(b.append("\n)").toString());
        }
        for (Table t : tables) {
            for (Fk fk : t.fks()) {
                if (fk.outOfLine()) {
                    s.add("ALTER TABLE " + t.qualified() + " ADD " + constraint(fk));
                }
            }
        }
        for (Table t : tables) {
            for (Fk fk : t.fks()) {
                String last = fk.columns().get(fk.columns().size() - 1);
                s.add("CREATE INDEX ix_" + t.name() + "_" + last + " ON " + t.qualified() + " ("
                        + String.join(", ", fk.columns()) + ")");
            }
        }
        return s;
    }

    private static boolean nullable(Table t, String column) {
        return t.fks().stream().anyMatch(fk -> fk.nullable() && fk.columns().get(fk.columns().size() - 1)
                .equals(column));
    }

    private static String constraint(Fk fk) {
        return "CONSTRAINT " + fk.name() + " FOREIGN KEY (" + String.join(", ", fk.columns()) + ") REFERENCES "
                + SCHEMA + "." + fk.parent() + " (" + String.join(", ", fk.parentColumns()) + ")"
                + (fk.onDelete().equals("NO ACTION") ? "" : " ON DELETE " + fk.onDelete());
    }

    /**
     * The data, set-based: one {@code INSERT ... SELECT} per table in creation order (parents first), then the
     * cycles' back keys set by one {@code UPDATE} each. Every value is a function of the table, the tenant and the row.
     */
    public List<String> loadStatements() {
        List<String> s = new ArrayList<>();
        for (Table t : tables) {
            s.add(insert(t));
        }
        for (Table t : tables) {
            for (Fk fk : t.fks()) {
                if (fk.outOfLine()) {
                    String col = fk.columns().get(fk.columns().size() - 1);
                    s.add("UPDATE " + t.qualified() + " AS x SET " + col + " = " + ref(fk.parent(),
                            "(x.id / " + ID_SPAN + ")", "(x.id % " + ID_SPAN + ")") + " WHERE x.id % 3 = 0");
                }
            }
        }
        return s;
    }

    private String insert(Table t) {
        List<String> cols = new ArrayList<>(List.of("id"));
        List<String> vals = new ArrayList<>();
        String from;
        switch (t.kind()) {
            case "root" -> {
                cols.add("status");
                vals.add("g.i");
                vals.add("CASE WHEN g.i = 1 THEN 'closed' ELSE 'active' END");
                from = "generate_series(1, " + TENANTS + ") AS g(i)";
            }
            case "lookup", "outside" -> {
                vals.add("g.i");
                int n = t.kind().equals("lookup") ? LOOKUP_ROWS : OUTSIDE_ROWS;
                for (Fk fk : t.fks()) {
                    cols.add(fk.columns().get(0));
                    vals.add(byName.get(fk.parent()).kind().equals("lookup") ? "1 + g.i % " + LOOKUP_ROWS
                            // a row of the closure table, of tenant 1 + i % TENANTS (none where it has no rows)
                            : ref(fk.parent(), "(1 + g.i % " + TENANTS + ")", "g.i"));
                }
                from = "generate_series(1, " + n + ") AS g(i)";
            }
            default -> {
                int[] n = rows.get(t.name());
                vals.add("v.k * " + ID_SPAN + " + g.j");
                cols.add("tenant_id");
                vals.add("v.k");
                for (Fk fk : t.fks()) {
                    String col = fk.columns().get(fk.columns().size() - 1);
                    if (col.equals("tenant_id")) {
                        continue;
                    }
                    cols.add(col);
                    if (fk.outOfLine()) {
                        vals.add("NULL");
                    } else if (fk.parent().equals(t.name())) { // a tree: row j's parent is row j / 2
                        vals.add("CASE WHEN g.j > 1 THEN v.k * " + ID_SPAN + " + g.j / 2 END");
                    } else if (byName.get(fk.parent()).kind().equals("lookup")) {
                        vals.add("1 + g.j % " + LOOKUP_ROWS);
                    } else {
                        String v = ref(fk.parent(), "v.k", "g.j");
                        vals.add(fk.nullable() && fk != t.main() ? "CASE WHEN (g.j + " + col.length()
                                + ") % 4 <> 0 THEN " + v + " END" : v);
                    }
                }
                StringBuilder counts = new StringBuilder();
                for (int k = 1; k <= TENANTS; k++) {
                    counts.append(k > 1 ? ", " : "").append("(").append(k).append(", ").append(n[k]).append(")");
                }
                from = "(VALUES " + counts + ") AS v(k, n) CROSS JOIN LATERAL generate_series(1, v.n) AS g(j)";
            }
        }
        cols.addAll(List.of("name", "created_at", "amount"));
        String id = t.kind().equals("closure") ? "(v.k * " + ID_SPAN + " + g.j)" : "g.i";
        vals.add("'" + t.name() + " ' || " + id);
        vals.add("timestamptz '2024-01-01 00:00:00+00' + " + id + " * interval '1 minute'");
        vals.add("(" + id + " % 100000) / 100.0");
        return "INSERT INTO " + t.qualified() + " (" + String.join(", ", cols) + ")\nSELECT " + String.join(", ", vals)
                + "\n  FROM " + from;
    }

    /** The id of a row of table {@code parent} of tenant {@code k} for row number {@code j}: NULL if it has none. */
    private String ref(String parent, String k, String j) {
        int[] n = rows.get(parent);
        StringBuilder c = new StringBuilder("(CASE " + k);
        for (int t = 1; t <= TENANTS; t++) {
            c.append(" WHEN ").append(t).append(" THEN ");
            c.append(n[t] == 0 ? "NULL" : t + "::bigint * " + ID_SPAN + " + 1 + (" + j + " - 1) % " + n[t]);
        }
        return c.append(" END)").toString();
    }

    /** The whole script (for reading and for {@code psql -f}). */
    public String script() {
        StringBuilder b = new StringBuilder();
        ddl().forEach(x -> b.append(x).append(";\n"));
        loadStatements().forEach(x -> b.append(x).append(";\n"));
        return b.toString();
    }
}
