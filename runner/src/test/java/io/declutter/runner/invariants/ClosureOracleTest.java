package io.declutter.runner.invariants;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.db.SqlScripts;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.TestDatabase;
import io.declutter.runner.testing.targets.JdbcSchema;
import io.declutter.runner.testing.targets.Snapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The closure oracle the invariant tests judge the product by, checked on its own: on a small hand-made schema
 * whose closure is known by construction (self-reference chains, a cycle across tables, a composite FK with a
 * NULL part, an FK to a unique key that is not the primary key, a row of a kept parent reached through a purged
 * one), and on the demo, against what the demo data promises (every row of a purged tenant, nothing else).
 */
class ClosureOracleTest {

    private static ScratchDatabase db;

    @BeforeAll
    static void load() throws Exception {
        db = TestDatabase.freshDemo("oracle");
        try (Connection c = db.connect()) {
            SqlScripts.run(c, """
                    CREATE SCHEMA s;
                    CREATE TABLE s.root (id int PRIMARY KEY, dead boolean NOT NULL);
                    CREATE TABLE s.node (id int PRIMARY KEY, root_id int REFERENCES s.root, parent_id int REFERENCES s.node);
                    CREATE TABLE s.pair (a int, b int, root_id int NOT NULL REFERENCES s.root, PRIMARY KEY (a, b));
                    CREATE TABLE s.pair_child (id int PRIMARY KEY, a int, b int, FOREIGN KEY (a, b) REFERENCES s.pair);
                    CREATE TABLE s.coded (id int PRIMARY KEY, code text UNIQUE, node_id int REFERENCES s.node);
                    CREATE TABLE s.by_code (id int PRIMARY KEY, code text REFERENCES s.coded (code));
                    CREATE TABLE s.x (id int PRIMARY KEY, root_id int REFERENCES s.root, y_id int);
                    CREATE TABLE s.y (id int PRIMARY KEY, x_id int REFERENCES s.x);
                    ALTER TABLE s.x ADD FOREIGN KEY (y_id) REFERENCES s.y;
                    CREATE TABLE s.unrelated (id int PRIMARY KEY);
                    CREATE TABLE s.lookup (id int PRIMARY KEY);
                    ALTER TABLE s.root ADD COLUMN lookup_id int REFERENCES s.lookup;
                    CREATE TABLE s.note (id int PRIMARY KEY, node_id int REFERENCES s.node ON DELETE SET NULL,
                                         root_id int REFERENCES s.root ON DELETE SET NULL);
                    CREATE TABLE s.note_child (id int PRIMARY KEY, note_id int NOT NULL REFERENCES s.note);

                    INSERT INTO s.lookup VALUES (1);
                    INSERT INTO s.root VALUES (1, true, 1), (2, false, 1), (3, true, NULL);
                    -- 10 -> 11 -> 12 -> 13 -> 14 hang under dead root 1 (only 10 directly); 13 is also under live root 2
                    INSERT INTO s.node VALUES (10, 1, NULL), (11, NULL, 10), (12, NULL, 11), (13, 2, 12), (14, NULL, 13),
                                              (20, 2, NULL), (21, NULL, 20), (30, NULL, NULL);
                    INSERT INTO s.pair VALUES (1, 1, 1), (1, 2, 2), (2, 1, 3);
                    INSERT INTO s.pair_child VALUES (100, 1, 1), (101, 1, 2), (102, 1, NULL), (103, 2, 1);
                    INSERT INTO s.coded VALUES (5, 'a', 12), (6, 'b', 21), (7, 'c', NULL);
                    INSERT INTO s.by_code VALUES (50, 'a'), (51, 'b'), (52, 'c'), (53, NULL);
                    -- a cycle x -> y -> x reached from root 3 only through x 60
                    INSERT INTO s.x VALUES (60, 3, NULL), (61, NULL, NULL), (62, 2, NULL);
                    INSERT INTO s.y VALUES (70, 60), (71, 62);
                    UPDATE s.x SET y_id = 70 WHERE id = 61;
                    INSERT INTO s.unrelated VALUES (1);
                    -- notes stay (SET NULL): 80 and 81 point at closure rows and are reset, 82 at live rows only
                    INSERT INTO s.note VALUES (80, 10, NULL), (81, 20, 3), (82, 20, 2), (83, NULL, NULL);
                    INSERT INTO s.note_child VALUES (90, 80), (91, 82);
                    """);
        }
    }

    @AfterAll
    static void drop() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void handMadeSchemaHasTheClosureItWasBuiltWith() throws Exception {
        try (Connection c = db.connect()) {
            ClosureOracle.Closure closure = ClosureOracle.compute(c, "s.root", "dead");
            assertThat(closure.keys("s.root")).containsExactlyInAnyOrder("(1)", "(3)");
            assertThat(closure.keys("s.node")).containsExactlyInAnyOrder("(10)", "(11)", "(12)", "(13)", "(14)");
            assertThat(closure.keys("s.pair")).containsExactlyInAnyOrder("(1,1)", "(2,1)");
            // (1,NULL) references nothing (MATCH SIMPLE); (1,2) belongs to the live root
            assertThat(closure.keys("s.pair_child")).containsExactlyInAnyOrder("(100)", "(103)");
            assertThat(closure.keys("s.coded")).containsExactlyInAnyOrder("(5)");
            assertThat(closure.keys("s.by_code")).containsExactlyInAnyOrder("(50)");
            assertThat(closure.keys("s.x")).containsExactlyInAnyOrder("(60)", "(61)");
            assertThat(closure.keys("s.y")).containsExactlyInAnyOrder("(70)");
            assertThat(closure.total()).isEqualTo(2 + 5 + 2 + 2 + 1 + 1 + 2 + 1);
            // tables the root references, and tables nothing connects, are not reachable
            assertThat(closure.tables()).doesNotContain("s.lookup", "s.unrelated", "app.tenants");
            // ON DELETE SET NULL is not followed: the rows stay, their references reset
            assertThat(closure.keys("s.note")).isEmpty();
            assertThat(closure.keys("s.note_child")).isEmpty();
            assertThat(closure.resets()).containsOnlyKeys("s.note");
            assertThat(closure.resets().get("s.note")).containsOnlyKeys("(80)", "(81)");
            assertThat(closure.resets().get("s.note").get("(80)")).containsExactly("node_id");
            assertThat(closure.resets().get("s.note").get("(81)")).containsExactly("root_id");
        }
    }

    @Test
    void jdbcMetadataAndSnapshotGiveTheSameClosure() throws Exception {
        try (Connection c = db.connect()) {
            ClosureOracle.Closure catalog = ClosureOracle.compute(c, "s.root", "dead");
            JdbcSchema schema = JdbcSchema.read(c, "s");
            ClosureOracle.Closure jdbc = ClosureOracle.compute(c, schema, Snapshot.read(c, schema), "s.root", "dead");
            assertThat(jdbc.counts()).isEqualTo(catalog.counts());
            // a snapshot keys a row by its key columns' text: (7,3) there is 7, U+0001, 3
            assertThat(jdbc.keys("s.pair")).containsExactlyInAnyOrder("1\u00011", "2\u00011");
            assertThat(jdbc.resets().get("s.note")).containsOnlyKeys("80", "81");
        }
    }

    @Test
    void demoClosureIsEveryRowOfTheEightPurgedTenants() throws Exception {
        try (Connection c = db.connect()) {
            ClosureOracle.Closure closure = ClosureOracle.compute(c, "app.tenants",
                    "status = 'closed' AND closed_at < now() - interval '90 days'");
            // data.sql: tenants 5, 10, ..., 40 were closed more than 90 days ago
            assertThat(closure.keys("app.tenants"))
                    .containsExactlyInAnyOrder("(5)", "(10)", "(15)", "(20)", "(25)", "(30)", "(35)", "(40)");
            assertThat(closure.tables()).doesNotContain("app.countries", "app.plans").hasSize(17);
            // data.sql keeps every reference inside one tenant: the closure is exactly the purged tenants' rows
            String tenantOf = """
                    SELECT 'app.users', ROW(id)::text, tenant_id FROM app.users
                    UNION ALL SELECT 'app.teams', ROW(id)::text, tenant_id FROM app.teams
                    UNION ALL SELECT 'app.projects', ROW(id)::text, tenant_id FROM app.projects
                    UNION ALL SELECT 'app.tags', ROW(id)::text, tenant_id FROM app.tags
                    UNION ALL SELECT 'app.invoices', ROW(id)::text, tenant_id FROM app.invoices
                    UNION ALL SELECT 'app.audit_events', ROW(id)::text, tenant_id FROM app.audit_events
                    UNION ALL SELECT 'app.folders', ROW(f.id)::text, p.tenant_id
                                FROM app.folders f JOIN app.projects p ON p.id = f.project_id
                    UNION ALL SELECT 'app.documents', ROW(d.id)::text, u.tenant_id
                                FROM app.documents d JOIN app.users u ON u.id = d.author_id
                    UNION ALL SELECT 'app.document_versions', ROW(v.document_id, v.version_no)::text, u.tenant_id
                                FROM app.document_versions v JOIN app.documents d ON d.id = v.document_id
                                JOIN app.users u ON u.id = d.author_id
                    UNION ALL SELECT 'app.comments', ROW(m.id)::text, u.tenant_id
                                FROM app.comments m JOIN app.users u ON u.id = m.user_id
                    UNION ALL SELECT 'app.team_members', ROW(tm.team_id, tm.user_id)::text, t.tenant_id
                                FROM app.team_members tm JOIN app.teams t ON t.id = tm.team_id
                    UNION ALL SELECT 'app.document_tags', ROW(dt.document_id, dt.tag_id)::text, t.tenant_id
                                FROM app.document_tags dt JOIN app.tags t ON t.id = dt.tag_id
                    UNION ALL SELECT 'app.api_keys', ROW(k.id)::text, u.tenant_id
                                FROM app.api_keys k JOIN app.users u ON u.id = k.user_id
                    UNION ALL SELECT 'app.invoice_lines', ROW(l.id)::text, i.tenant_id
                                FROM app.invoice_lines l JOIN app.invoices i ON i.id = l.invoice_id
                    UNION ALL SELECT 'app.payments', ROW(p.id)::text, i.tenant_id
                                FROM app.payments p JOIN app.invoices i ON i.id = p.invoice_id
                    UNION ALL SELECT 'app.refunds', ROW(r.id)::text, i.tenant_id
                                FROM app.refunds r JOIN app.payments p ON p.id = r.payment_id
                                JOIN app.invoices i ON i.id = p.invoice_id
                    """;
            java.util.Map<String, Set<String>> expected = new java.util.TreeMap<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT * FROM (" + tenantOf + ") AS r(tbl, k, tenant)"
                         + " WHERE tenant IN (5, 10, 15, 20, 25, 30, 35, 40)")) {
                while (rs.next()) {
                    expected.computeIfAbsent(rs.getString(1), t -> new TreeSet<>()).add(rs.getString(2));
                }
            }
            expected.put("app.tenants", closure.keys("app.tenants"));
            assertThat(expected).hasSize(17);
            for (String table : expected.keySet()) {
                assertThat(closure.keys(table)).as(table).containsExactlyInAnyOrderElementsOf(expected.get(table));
            }
            assertThat(closure.total()).isEqualTo(expected.values().stream().mapToLong(Set::size).sum());
        }
    }
}
