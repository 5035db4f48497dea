package io.declutter.demo.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A synthetic multi-tenant SaaS database, deterministic from a seed and a scale factor: 105 tables in schema
 * {@code saas} hanging off {@code saas.tenants} (chains 7 deep, diamonds, several FKs between the same tables, a
 * composite FK, a self-referencing tree, ON DELETE SET NULL and CASCADE edges, realistic column widths, an index on
 * every FK column but one). Scale 1 is about 5 million rows; the first tenants of a larger scale hold exactly the
 * rows of the same tenants at a smaller scale (same ids, same values), so one purge can be run on both.
 *
 * <p>The data is generated set-based inside the database: a small layout table ({@code bench.layout}: rows per
 * table and tenant, and the first id of each tenant's range) is computed first, then every table is filled with one
 * {@code INSERT ... SELECT ... generate_series} whose foreign-key values are computed from the layout, never by
 * reading the parent tables. Every value is a function of the seed, the table and the row id.
 */
public final class SyntheticSchema {

    public static final String SCHEMA = "saas";
    public static final String ROOT = SCHEMA + ".tenants";
    /** Tenants at scale 1 (about 5 million rows with the default seed). */
    public static final int TENANTS_PER_SCALE = 400;

    /** How the values of a column are generated. */
    enum Kind {
        NAME("varchar(120)"), EMAIL("varchar(255)"), TITLE("varchar(200)"), BODY("text"), CODE("varchar(32)"),
        STATUS("varchar(20)"), TS("timestamptz"), MONEY("numeric(12,2)"), INT("integer"), BOOL("boolean"),
        JSON("jsonb"), UUID("uuid"), URL("varchar(500)"), HASH("char(64)");

        final String type;

        Kind(String type) {
            this.type = type;
        }
    }

    /** How the values of a foreign key are chosen. */
    enum Ref {
        /** the row's parent in the layout (children spread evenly over the tenant's parent rows) */
        MAIN,
        /** the tenant itself */
        TENANT,
        /** a pseudo-random row of the parent table belonging to the same tenant */
        SAME_TENANT,
        /** a pseudo-random row of the whole parent table (any tenant; global tables) */
        GLOBAL,
        /** the parent in a binary tree of the tenant's rows of the same table (NULL for the first) */
        TREE
    }

    enum Action {
        NO_ACTION(""), CASCADE(" ON DELETE CASCADE"), SET_NULL(" ON DELETE SET NULL");

        final String sql;

        Action(String sql) {
            this.sql = sql;
        }
    }

    record Col(String name, Kind kind) {
    }

    /**
     * @param nullPercent for SAME_TENANT and GLOBAL refs: share of rows whose value is NULL (nullable column)
     */
    record Fk(String name, List<String> columns, String parent, List<String> parentColumns, Ref ref, Action action,
              boolean indexed, int nullPercent, boolean nullable) {
    }

    /**
     * @param sizeFrom  the table whose per-tenant row count, times {@code fanout}, gives this table's; {@code null} for
     *                  the root; for global tables (no tenant) the count is the number of tenants times the fanout
     * @param composite primary key (tenant_id, id) instead of (id)
     */
    record TableDef(String name, boolean global, String sizeFrom, double fanout, boolean composite, List<Fk> fks,
                    List<Col> cols, List<List<String>> indexes) {

        String qualified() {
            return SCHEMA + "." + name;
        }

        List<String> key() {
            return composite ? List.of("tenant_id", "id") : List.of("id");
        }
    }

    private final long seed;
    private final double scale;
    private final List<TableDef> tables;

    public SyntheticSchema(long seed, double scale) {
        if (scale <= 0) {
            throw new IllegalArgumentException("scale must be positive");
        }
        this.seed = seed;
        this.scale = scale;
        this.tables = define();
        for (TableDef t : tables) {
            t.fks().stream().filter(fk -> fk.ref() == Ref.MAIN && !fk.parent().equals(t.sizeFrom())).findAny()
                    .ifPresent(fk -> {
                        throw new IllegalStateException(t.name() + ": the main FK must point at the table it is sized from");
                    });
        }
        if (tenants() < 4) {
            throw new IllegalArgumentException("scale " + scale + " is too small: it gives fewer than 4 tenants");
        }
    }

    public long seed() {
        return seed;
    }

    public double scale() {
        return scale;
    }

    /** Number of tenants: proportional to the scale, so scale 4s holds the tenants of scale s and three times more. */
    public int tenants() {
        return (int) Math.round(TENANTS_PER_SCALE * scale);
    }

    List<TableDef> tables() {
        return tables;
    }

    /** Qualified names of all tables, in creation order (the root first). */
    public List<String> tableNames() {
        return tables.stream().map(TableDef::qualified).toList();
    }

    // ------------------------------------------------------------------------------------------------ definitions

    private static final class Builder {
        final String name;
        boolean global;
        String sizeFrom;
        double fanout;
        boolean composite;
        final List<Fk> fks = new ArrayList<>();
        final List<Col> cols = new ArrayList<>();
        final List<List<String>> indexes = new ArrayList<>();

        Builder(String name, String sizeFrom, double fanout) {
            this.name = name;
            this.sizeFrom = sizeFrom;
            this.fanout = fanout;
        }

        Builder global() {
            global = true;
            return this;
        }

        Builder composite() {
            composite = true;
            return this;
        }

        Builder main(String column, String parent, Action action) {
            return fk(column, parent, Ref.MAIN, action, true, 0);
        }

        Builder tenant() {
            return fk("tenant_id", "tenants", Ref.TENANT, Action.NO_ACTION, true, 0);
        }

        Builder fk(String column, String parent, Ref ref, Action action, boolean indexed, int nullPercent) {
            boolean nullable = nullPercent > 0 || ref == Ref.TREE || action == Action.SET_NULL;
            fks.add(new Fk("fk_" + name + "_" + column, List.of(column), parent, List.of("id"), ref, action, indexed,
                    nullPercent, nullable));
            return this;
        }

        Builder compositeFk(String column, String parent, Action action) {
            fks.add(new Fk("fk_" + name + "_" + column, List.of("tenant_id", column), parent, List.of("tenant_id", "id"),
                    Ref.MAIN, action, true, 0, false));
            return this;
        }

        Builder cols(Object... pairs) {
            for (int i = 0; i < pairs.length; i += 2) {
                cols.add(new Col((String) pairs[i], (Kind) pairs[i + 1]));
            }
            return this;
        }

        Builder index(String... columns) {
            indexes.add(List.of(columns));
            return this;
        }

        TableDef build() {
            return new TableDef(name, global, sizeFrom, fanout, composite, List.copyOf(fks), List.copyOf(cols),
                    List.copyOf(indexes));
        }
    }

    /** The modules hanging off projects, each with the same seven-table shape and its own size. */
    static final List<String> MODULES = List.of("crm", "support", "wiki", "forms", "calendar", "inventory", "hr",
            "marketing", "analytics", "chat", "contracts");

    private static List<TableDef> define() {
        List<Builder> b = new ArrayList<>();
        Kind n = Kind.NAME;
        b.add(new Builder("tenants", null, 1)
                .cols("name", n, "slug", Kind.CODE, "status", Kind.STATUS, "plan", Kind.STATUS, "created_at", Kind.TS,
                        "closed_at", Kind.TS, "settings", Kind.JSON));
        b.add(new Builder("accounts", "tenants", 0).tenant()
                .cols("email", Kind.EMAIL, "display_name", n, "password_hash", Kind.HASH, "locale", Kind.STATUS,
                        "created_at", Kind.TS, "last_login_at", Kind.TS, "is_admin", Kind.BOOL, "preferences", Kind.JSON)
                .index("email"));
        // Two FKs to accounts; the revoker's has no index on purpose (plan reports it).
        b.add(new Builder("api_keys", "accounts", 0.5).main("account_id", "accounts", Action.NO_ACTION)
                .fk("revoked_by_id", "accounts", Ref.SAME_TENANT, Action.NO_ACTION, false, 90)
                .cols("label", n, "token_hash", Kind.HASH, "created_at", Kind.TS, "revoked_at", Kind.TS));
        b.add(new Builder("account_sessions", "accounts", 5).main("account_id", "accounts", Action.CASCADE)
                .cols("token_hash", Kind.HASH, "user_agent", Kind.URL, "ip", Kind.CODE, "created_at", Kind.TS,
                        "expires_at", Kind.TS));
        b.add(new Builder("teams", "accounts", 0.2).tenant().cols("name", n, "description", Kind.TITLE, "created_at", Kind.TS));
        b.add(new Builder("team_members", "teams", 5).main("team_id", "teams", Action.CASCADE)
                .fk("account_id", "accounts", Ref.SAME_TENANT, Action.NO_ACTION, true, 0)
                .cols("role", Kind.STATUS, "joined_at", Kind.TS));
        b.add(new Builder("labels", "accounts", 1).tenant().cols("name", n, "color", Kind.CODE, "created_at", Kind.TS));
        b.add(new Builder("workspaces", "accounts", 0.25).tenant()
                .cols("name", n, "description", Kind.BODY, "created_at", Kind.TS, "archived", Kind.BOOL));
        // SET NULL: a project outlives its owner's account.
        b.add(new Builder("projects", "workspaces", 4).main("workspace_id", "workspaces", Action.NO_ACTION)
                .fk("owner_id", "accounts", Ref.SAME_TENANT, Action.SET_NULL, true, 5)
                .cols("name", n, "key", Kind.CODE, "description", Kind.BODY, "status", Kind.STATUS, "budget", Kind.MONEY,
                        "created_at", Kind.TS, "due_at", Kind.TS));
        b.add(new Builder("project_members", "projects", 4).main("project_id", "projects", Action.NO_ACTION)
                .fk("account_id", "accounts", Ref.SAME_TENANT, Action.NO_ACTION, true, 0)
                .cols("role", Kind.STATUS, "joined_at", Kind.TS));
        // A tree: every folder but the first of its tenant has a parent folder.
        b.add(new Builder("folders", "projects", 6).main("project_id", "projects", Action.NO_ACTION)
                .fk("parent_id", "folders", Ref.TREE, Action.NO_ACTION, true, 0)
                .cols("name", n, "path", Kind.URL, "created_at", Kind.TS));
        // Composite keys (tenant_id, id), as in distributed multi-tenant schemas.
        b.add(new Builder("documents", "folders", 3).composite().tenant().main("folder_id", "folders", Action.NO_ACTION)
                .cols("title", Kind.TITLE, "mime_type", Kind.CODE, "size_bytes", Kind.INT, "storage_url", Kind.URL,
                        "created_at", Kind.TS, "metadata", Kind.JSON));
        b.add(new Builder("document_versions", "documents", 3).compositeFk("document_id", "documents", Action.NO_ACTION)
                .fk("author_id", "accounts", Ref.SAME_TENANT, Action.SET_NULL, true, 0)
                .cols("version", Kind.INT, "checksum", Kind.HASH, "storage_url", Kind.URL, "created_at", Kind.TS));
        // The deep chain: tenants > workspaces > projects > tasks > task_comments > comment_reactions >
        // reaction_notifications > notification_deliveries: 7 FKs long; 6 by the shortest path (tenants > accounts > tasks
        // through reporter_id).
        b.add(new Builder("tasks", "projects", 20).main("project_id", "projects", Action.NO_ACTION)
                .fk("reporter_id", "accounts", Ref.SAME_TENANT, Action.NO_ACTION, true, 0)
                .fk("assignee_id", "accounts", Ref.SAME_TENANT, Action.SET_NULL, true, 20)
                .cols("title", Kind.TITLE, "description", Kind.BODY, "status", Kind.STATUS, "priority", Kind.INT,
                        "estimate", Kind.MONEY, "created_at", Kind.TS, "due_at", Kind.TS, "closed_at", Kind.TS)
                .index("status", "due_at"));
        b.add(new Builder("task_labels", "tasks", 1).main("task_id", "tasks", Action.CASCADE)
                .fk("label_id", "labels", Ref.SAME_TENANT, Action.CASCADE, true, 0)
                .cols("added_at", Kind.TS));
        b.add(new Builder("task_comments", "tasks", 2).main("task_id", "tasks", Action.NO_ACTION)
                .cols("author_name", n, "body", Kind.BODY, "created_at", Kind.TS, "edited_at", Kind.TS));
        b.add(new Builder("comment_reactions", "task_comments", 1).main("comment_id", "task_comments", Action.NO_ACTION)
                .cols("emoji", Kind.CODE, "reactor_name", n, "created_at", Kind.TS));
        b.add(new Builder("reaction_notifications", "comment_reactions", 1)
                .main("reaction_id", "comment_reactions", Action.NO_ACTION)
                .cols("channel", Kind.STATUS, "subject", Kind.TITLE, "created_at", Kind.TS));
        b.add(new Builder("notification_deliveries", "reaction_notifications", 1.5)
                .main("notification_id", "reaction_notifications", Action.NO_ACTION)
                .cols("status", Kind.STATUS, "provider_response", Kind.JSON, "attempts", Kind.INT, "delivered_at", Kind.TS));
        b.add(new Builder("attachments", "tasks", 0.3).main("task_id", "tasks", Action.NO_ACTION)
                .fk("uploaded_by_id", "accounts", Ref.SAME_TENANT, Action.NO_ACTION, true, 0)
                .cols("file_name", Kind.TITLE, "storage_url", Kind.URL, "size_bytes", Kind.INT, "created_at", Kind.TS));
        b.add(new Builder("invoices", "accounts", 1).tenant()
                .fk("billed_account_id", "accounts", Ref.SAME_TENANT, Action.NO_ACTION, true, 0)
                .cols("number", Kind.CODE, "status", Kind.STATUS, "total", Kind.MONEY, "issued_at", Kind.TS, "due_at", Kind.TS));
        b.add(new Builder("invoice_lines", "invoices", 4).main("invoice_id", "invoices", Action.CASCADE)
                .cols("description", Kind.TITLE, "quantity", Kind.INT, "unit_price", Kind.MONEY, "amount", Kind.MONEY));
        b.add(new Builder("payments", "invoices", 1).main("invoice_id", "invoices", Action.NO_ACTION)
                .cols("provider", Kind.STATUS, "reference", Kind.CODE, "amount", Kind.MONEY, "paid_at", Kind.TS));
        b.add(new Builder("subscriptions", "accounts", 0.1).tenant()
                .cols("plan", Kind.STATUS, "seats", Kind.INT, "price", Kind.MONEY, "started_at", Kind.TS, "ends_at", Kind.TS));
        b.add(new Builder("audit_events", "accounts", 30).tenant()
                .fk("actor_id", "accounts", Ref.SAME_TENANT, Action.SET_NULL, true, 10)
                .cols("action", Kind.STATUS, "target", Kind.TITLE, "payload", Kind.JSON, "ip", Kind.CODE, "created_at", Kind.TS)
                .index("created_at"));
        // Global tables (no tenant): never purged; reviews keep their text when the author's account goes (SET NULL).
        b.add(new Builder("marketplace_apps", null, 0.5).global()
                .cols("name", n, "vendor", n, "description", Kind.BODY, "price", Kind.MONEY, "created_at", Kind.TS));
        b.add(new Builder("app_installs", "accounts", 0.2).tenant()
                .fk("app_id", "marketplace_apps", Ref.GLOBAL, Action.NO_ACTION, true, 0)
                .cols("config", Kind.JSON, "installed_at", Kind.TS));
        b.add(new Builder("marketplace_reviews", null, 20).global()
                .fk("app_id", "marketplace_apps", Ref.GLOBAL, Action.NO_ACTION, true, 0)
                .fk("author_id", "accounts", Ref.GLOBAL, Action.SET_NULL, true, 0)
                .cols("rating", Kind.INT, "title", Kind.TITLE, "body", Kind.BODY, "created_at", Kind.TS));
        for (int i = 0; i < MODULES.size(); i++) {
            String m = MODULES.get(i);
            double size = 2 + (i % 4) * 2; // 2, 4, 6 or 8 records per project
            String rec = m + "_records";
            b.add(new Builder(rec, "projects", size).main("project_id", "projects", Action.NO_ACTION)
                    .fk("owner_id", "accounts", Ref.SAME_TENANT, Action.NO_ACTION, true, 10)
                    .cols("title", Kind.TITLE, "status", Kind.STATUS, "body", Kind.BODY, "amount", Kind.MONEY,
                            "created_at", Kind.TS, "updated_at", Kind.TS));
            b.add(new Builder(m + "_record_versions", rec, 2).main("record_id", rec, Action.CASCADE)
                    .cols("version", Kind.INT, "snapshot", Kind.JSON, "created_at", Kind.TS));
            b.add(new Builder(m + "_comments", rec, 1.5).main("record_id", rec, Action.NO_ACTION)
                    .fk("author_id", "accounts", Ref.SAME_TENANT, Action.NO_ACTION, true, 0)
                    .cols("body", Kind.BODY, "created_at", Kind.TS));
            b.add(new Builder(m + "_comment_reactions", m + "_comments", 1)
                    .main("comment_id", m + "_comments", Action.NO_ACTION)
                    .fk("account_id", "accounts", Ref.SAME_TENANT, Action.NO_ACTION, true, 0)
                    .cols("emoji", Kind.CODE, "created_at", Kind.TS));
            // Two FKs between the same two tables.
            b.add(new Builder(m + "_record_links", rec, 0.5).main("from_record_id", rec, Action.NO_ACTION)
                    .fk("to_record_id", rec, Ref.SAME_TENANT, Action.NO_ACTION, true, 0)
                    .cols("kind", Kind.STATUS, "created_at", Kind.TS));
            b.add(new Builder(m + "_record_tags", rec, 1).main("record_id", rec, Action.CASCADE)
                    .fk("label_id", "labels", Ref.SAME_TENANT, Action.CASCADE, true, 0)
                    .cols("created_at", Kind.TS));
            b.add(new Builder(m + "_events", rec, 3).main("record_id", rec, Action.NO_ACTION)
                    .cols("kind", Kind.STATUS, "payload", Kind.JSON, "created_at", Kind.TS));
        }
        return b.stream().map(Builder::build).toList();
    }

    // ---------------------------------------------------------------------------------------------------- scripts

    /** CREATE SCHEMA and tables (no keys, constraints or indexes: they come after the load). */
    public String ddl() {
        StringBuilder s = new StringBuilder();
        s.append("-- Synthetic multi-tenant SaaS schema: ").append(tables.size()).append(" tables (declutter bench)\n");
        s.append("CREATE SCHEMA ").append(SCHEMA).append(";\n");
        for (TableDef t : tables) {
            s.append("\nCREATE TABLE ").append(t.qualified()).append(" (\n");
            List<String> lines = new ArrayList<>();
            if (t.composite) {
                lines.add("tenant_id bigint NOT NULL");
            }
            lines.add("id bigint NOT NULL");
            for (Fk fk : t.fks) {
                for (String c : fk.columns) {
                    if (!(c.equals("tenant_id") && t.composite)) {
                        lines.add(c + " bigint" + (fk.nullable ? "" : " NOT NULL"));
                    }
                }
            }
            for (Col c : t.cols) {
                lines.add(c.name + " " + c.kind.type);
            }
            s.append("    ").append(String.join(",\n    ", lines)).append("\n);\n");
        }
        return s.toString();
    }

    /**
     * The layout (rows per table and tenant) and the helper functions the load uses, in schema {@code bench}.
     * The first account count of a tenant is skewed (a few large tenants, many small ones).
     */
    public String layoutSql() {
        StringBuilder s = new StringBuilder();
        s.append("CREATE SCHEMA IF NOT EXISTS bench;\n");
        s.append("CREATE TABLE bench.layout (tbl text NOT NULL, tenant_id bigint NOT NULL, n bigint NOT NULL,"
                + " lo bigint, PRIMARY KEY (tbl, tenant_id));\n");
        // A pseudo-random number in [0, 1) from the seed and a key: the same on every run and every server.
        s.append("CREATE FUNCTION bench.rnd(k text) RETURNS double precision LANGUAGE sql IMMUTABLE AS"
                + " $$ SELECT ('x' || substr(md5('").append(seed).append(":' || k), 1, 13))::bit(52)::bigint"
                + " / 4503599627370496.0 $$;\n");
        s.append("INSERT INTO bench.layout (tbl, tenant_id, n) SELECT 'tenants', t, 1 FROM generate_series(1, ")
                .append(tenants()).append(") AS t;\n");
        for (TableDef t : tables) {
            if (t.name.equals("tenants")) {
                continue;
            }
            if (t.global) {
                s.append("INSERT INTO bench.layout (tbl, tenant_id, n) VALUES ('").append(t.name).append("', 0, ")
                        .append(Math.max(1, Math.round(tenants() * t.fanout))).append(");\n");
            } else if (t.name.equals("accounts")) {
                // Skewed tenant sizes: 6 / u^0.7 accounts (u uniform in (0, 1]): median 10, a few tenants with hundreds.
                s.append("INSERT INTO bench.layout (tbl, tenant_id, n) SELECT 'accounts', l.tenant_id,"
                        + " LEAST(2000, GREATEST(1, round(6 * power(1 - bench.rnd('tenant-size:' || l.tenant_id), -0.7))))"
                        + " FROM bench.layout AS l WHERE l.tbl = 'tenants';\n");
            } else {
                // Stochastic rounding keeps the expected count; a tenant without parent rows gets no child rows.
                s.append("INSERT INTO bench.layout (tbl, tenant_id, n) SELECT '").append(t.name).append("', l.tenant_id,"
                                + " floor(l.n * ").append(fmt(t.fanout)).append(" + bench.rnd('").append(t.name)
                        .append(":' || l.tenant_id)) FROM bench.layout AS l WHERE l.tbl = '").append(t.sizeFrom)
                        .append("';\n");
            }
        }
        s.append("UPDATE bench.layout AS l SET lo = x.lo FROM (SELECT tbl, tenant_id,"
                + " sum(n) OVER (PARTITION BY tbl ORDER BY tenant_id) - n + 1 AS lo FROM bench.layout) AS x"
                + " WHERE x.tbl = l.tbl AND x.tenant_id = l.tenant_id;\n");
        s.append("ANALYZE bench.layout;\n");
        return s.toString();
    }

    /** One set-based INSERT per table, keyed by qualified table name (tables can be loaded in any order). */
    public Map<String, String> loadSql() {
        Map<String, String> sql = new LinkedHashMap<>();
        for (TableDef t : tables) {
            sql.put(t.qualified(), insert(t));
        }
        return sql;
    }

    private String insert(TableDef t) {
        List<String> targets = new ArrayList<>();
        List<String> values = new ArrayList<>();
        List<String> joins = new ArrayList<>();
        List<String> joined = new ArrayList<>();
        if (t.composite || t.fks.stream().anyMatch(fk -> fk.columns.size() > 1)) {
            targets.add("tenant_id");
            values.add("s.tenant_id");
        }
        targets.add("id");
        values.add("s.id");
        int slot = 0;
        for (Fk fk : t.fks) {
            String col = fk.columns.get(fk.columns.size() - 1);
            if (targets.contains(col)) {
                continue; // tenant_id of a composite key, already there
            }
            targets.add(col);
            String alias = "r" + slot;
            String h = "('x' || substr(s.h, " + (1 + (slot * 4) % 24) + ", 8))::bit(32)::bigint";
            slot++;
            switch (fk.ref) {
                case TENANT -> values.add("s.tenant_id");
                case MAIN -> {
                    joins.add("JOIN bench.layout AS " + alias + " ON " + alias + ".tbl = '" + fk.parent + "' AND "
                            + alias + ".tenant_id = l.tenant_id");
                    joined.add(alias);
                    values.add("s." + alias + "_lo + (s.j * s." + alias + "_n) / s.n");
                }
                case SAME_TENANT -> {
                    joins.add("LEFT JOIN bench.layout AS " + alias + " ON " + alias + ".tbl = '" + fk.parent + "' AND "
                            + alias + ".tenant_id = l.tenant_id");
                    joined.add(alias);
                    values.add("CASE WHEN s." + alias + "_n > 0" + (fk.nullPercent > 0 ? " AND " + h + " % 100 >= "
                            + fk.nullPercent : "") + " THEN s." + alias + "_lo + (" + h + " >> 7) % s." + alias
                            + "_n END");
                }
                case GLOBAL -> {
                    joins.add("CROSS JOIN (SELECT sum(n) AS n, 1 AS lo FROM bench.layout WHERE tbl = '" + fk.parent
                            + "') AS " + alias);
                    joined.add(alias);
                    values.add((fk.nullPercent > 0 ? "CASE WHEN " + h + " % 100 >= " + fk.nullPercent + " THEN " : "")
                            + "1 + (" + h + " >> 7) % s." + alias + "_n" + (fk.nullPercent > 0 ? " END" : ""));
                }
                case TREE -> values.add("CASE WHEN s.j > 0 THEN s.lo + (s.j - 1) / 2 END");
            }
        }
        for (Col c : t.cols) {
            targets.add(c.name);
            values.add(expression(t, c));
        }
        StringBuilder inner = new StringBuilder();
        inner.append("SELECT l.tenant_id, l.lo, l.n, g - 1 AS j, l.lo + g - 1 AS id, md5('").append(seed).append(':')
                .append(t.name).append(":' || (l.lo + g - 1)) AS h");
        for (String a : joined) {
            inner.append(", ").append(a).append(".lo AS ").append(a).append("_lo, ").append(a).append(".n AS ")
                    .append(a).append("_n");
        }
        inner.append("\n          FROM bench.layout AS l");
        for (String j : joins) {
            inner.append("\n          ").append(j);
        }
        inner.append("\n          CROSS JOIN LATERAL generate_series(1, l.n) AS g\n         WHERE l.tbl = '")
                .append(t.name).append("'\n        OFFSET 0"); // a fence: each row's md5 is computed once
        return "INSERT INTO " + t.qualified() + " (" + String.join(", ", targets) + ")\nSELECT "
                + String.join(",\n       ", values) + "\n  FROM (" + inner + ") AS s";
    }

    /** A realistic value of the column's kind for row {@code s.id} (its md5 is {@code s.h}). */
    private static String expression(TableDef t, Col c) {
        String id = "s.id";
        String h = "s.h";
        return switch (c.kind) {
            case NAME -> "initcap(substr(" + h + ", 1, 6 + (" + id + " % 7)::int)) || ' ' || initcap(substr(" + h + ", 14, 5 + (" + id + " % 9)::int))";
            case EMAIL -> "substr(" + h + ", 3, 10) || '.' || " + id + " || '@' || substr(" + h + ", 20, 8) || '.example.com'";
            case TITLE -> "initcap(substr(" + h + ", 1, 12)) || ' ' || substr(" + h + ", 13, 8) || ' ' || substr(" + h
                    + ", 5, 10 + (" + id + " % 20)::int)";
            case BODY -> "repeat(" + h + " || ' ', 1 + (" + id + " % 6)::int)";
            case CODE -> "upper(substr(" + h + ", 7, 10))";
            case STATUS -> "(ARRAY['active','pending','closed','archived','draft'])[1 + (" + id + " + "
                    + (Math.abs(c.name.hashCode()) % 5) + ") % 5]";
            case TS -> "timestamptz '2019-01-01 00:00:00+00' + (" + id + " * 7919 % 157680000) * interval '1 second'";
            case MONEY -> "(" + id + " * 31 % 1000000) / 100.0";
            case INT -> "(" + id + " * 17 % 10000)::integer";
            case BOOL -> "(" + id + " % 7 = 0)";
            case JSON -> "jsonb_build_object('id', " + id + ", 'ref', substr(" + h + ", 1, 12), 'score', " + id
                    + " % 1000, 'tags', jsonb_build_array(substr(" + h + ", 13, 6), substr(" + h + ", 19, 6)))";
            case UUID -> h + "::uuid";
            case URL -> "'https://files.example.com/" + t.name + "/' || " + id + " || '/' || " + h;
            case HASH -> h + " || " + h;
        };
    }

    /** The tenants' rows: every tenant active at load; a purge closes some of them. */
    public String tenantStatusSql() {
        return "UPDATE saas.tenants SET status = 'active', closed_at = NULL";
    }

    /** Primary keys, then foreign keys, then indexes (one per FK column set but one, plus a few others). */
    public String constraintsSql() {
        StringBuilder s = new StringBuilder();
        for (TableDef t : tables) {
            s.append("ALTER TABLE ").append(t.qualified()).append(" ADD CONSTRAINT pk_").append(t.name)
                    .append(" PRIMARY KEY (").append(String.join(", ", t.key())).append(");\n");
        }
        s.append(indexesSql());
        s.append(foreignKeysSql());
        return s.toString();
    }

    /** The FK constraints (validated). */
    public String foreignKeysSql() {
        StringBuilder s = new StringBuilder();
        for (TableDef t : tables) {
            for (Fk fk : t.fks) {
                s.append("ALTER TABLE ").append(t.qualified()).append(" ADD CONSTRAINT ").append(fk.name)
                        .append(" FOREIGN KEY (").append(String.join(", ", fk.columns)).append(") REFERENCES ")
                        .append(SCHEMA).append('.').append(fk.parent).append(" (")
                        .append(String.join(", ", fk.parentColumns)).append(")").append(fk.action.sql).append(";\n");
            }
        }
        return s.toString();
    }

    /** Index statements, each independent (they can be built in parallel). */
    public List<String> indexStatements() {
        List<String> out = new ArrayList<>();
        for (TableDef t : tables) {
            for (Fk fk : t.fks) {
                if (fk.indexed && !fk.columns.equals(t.key())) {
                    out.add("CREATE INDEX ix_" + t.name + "_" + String.join("_", fk.columns) + " ON " + t.qualified()
                            + " (" + String.join(", ", fk.columns) + ")");
                }
            }
            for (List<String> ix : t.indexes) {
                out.add("CREATE INDEX ix_" + t.name + "_" + String.join("_", ix) + " ON " + t.qualified() + " ("
                        + String.join(", ", ix) + ")");
            }
        }
        return out;
    }

    private String indexesSql() {
        return indexStatements().stream().map(x -> x + ";\n").collect(Collectors.joining());
    }

    /** The FK deliberately left without an index (plan reports it). */
    public String unindexedForeignKey() {
        return tables.stream().flatMap(t -> t.fks.stream().filter(fk -> !fk.indexed)
                .map(fk -> t.qualified() + "(" + String.join(", ", fk.columns) + ")")).findFirst().orElseThrow();
    }

    /** The whole schema and load as one script (for reading, and the determinism test). */
    public String script() {
        StringBuilder s = new StringBuilder(ddl()).append('\n').append(layoutSql()).append('\n');
        loadSql().forEach((t, sql) -> s.append(sql).append(";\n"));
        return s.append(constraintsSql()).toString();
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }
}
