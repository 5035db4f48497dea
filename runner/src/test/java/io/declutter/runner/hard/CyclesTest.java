package io.declutter.runner.hard;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.testing.FreshDatabases;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.RoundTrip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;

import static org.assertj.core.api.Assertions.assertThat;

/** Cycles across tables: broken through nullable foreign keys, or refused when no nullable or deferrable one can. */
class CyclesTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("cycles");

    private ScratchDatabase db;

    private void load(String sql) throws Exception {
        db = databases.load(sql);
    }

    @Test
    void departmentsAndTheirManagersArePurgedThroughTheNullableManagerColumn() throws Exception {
        load("""
                CREATE SCHEMA hr;
                CREATE TABLE hr.companies (id int PRIMARY KEY, closed boolean NOT NULL);
                CREATE TABLE hr.departments (id int PRIMARY KEY, company_id int NOT NULL REFERENCES hr.companies,
                                             manager_id int);
                CREATE TABLE hr.employees (id int PRIMARY KEY, company_id int NOT NULL REFERENCES hr.companies,
                                           department_id int NOT NULL REFERENCES hr.departments);
                ALTER TABLE hr.departments ADD CONSTRAINT departments_manager_fk
                    FOREIGN KEY (manager_id) REFERENCES hr.employees;
                INSERT INTO hr.companies SELECT g, g % 2 = 0 FROM generate_series(1, 6) g;
                INSERT INTO hr.departments SELECT g, 1 + g % 6, NULL FROM generate_series(1, 30) g;
                INSERT INTO hr.employees SELECT g, 1 + (1 + g % 30) % 6, 1 + g % 30 FROM generate_series(1, 300) g;
                -- every department is managed by one of its own employees
                UPDATE hr.departments d SET manager_id = (SELECT min(e.id) FROM hr.employees e WHERE e.department_id = d.id);
                """);
        ClosureOracle.Closure closure = RoundTrip.check(db, dir, "hr_purge", "hr.companies", "closed", 7, "");
        assertThat(closure.count("hr.departments")).isEqualTo(15);
        assertThat(closure.count("hr.employees")).isEqualTo(150);
    }

    @Test
    void aThreeTableCycleEnteredFromTheMiddleIsPurgedToAFixedPoint() throws Exception {
        // a -> b -> c -> a (c.a_id nullable). Rows of other roots are reached through the cycle as well.
        load("""
                CREATE SCHEMA g;
                CREATE TABLE g.roots (id int PRIMARY KEY);
                CREATE TABLE g.a (id int PRIMARY KEY, c_id int);
                CREATE TABLE g.b (id int PRIMARY KEY, root_id int NOT NULL REFERENCES g.roots, a_id int NOT NULL REFERENCES g.a);
                CREATE TABLE g.c (id int PRIMARY KEY, b_id int NOT NULL REFERENCES g.b);
                ALTER TABLE g.a ADD CONSTRAINT a_c_fk FOREIGN KEY (c_id) REFERENCES g.c;
                INSERT INTO g.roots SELECT generate_series(1, 4);
                INSERT INTO g.a SELECT g, NULL FROM generate_series(1, 40) g;
                INSERT INTO g.b SELECT g, 1 + g % 4, g FROM generate_series(1, 40) g;
                INSERT INTO g.c SELECT g, g FROM generate_series(1, 40) g;
                -- chains across roots: a(n) hangs under c(n - 1), so purging root 1 reaches further a/b/c rows
                UPDATE g.a SET c_id = id - 1 WHERE id > 1 AND id % 3 <> 0;
                """);
        ClosureOracle.Closure closure = RoundTrip.check(db, dir, "cycle_purge", "g.roots", "id = 1", 4, "");
        assertThat(closure.count("g.b")).isGreaterThan(10);
    }

    @Test
    void aCycleWithoutANullableOrDeferrableForeignKeyIsRefusedAndNothingIsCreated() throws Exception {
        // (The same cycle through DEFERRABLE keys is purged: DeferrableCyclesTest.)
        load("""
                CREATE SCHEMA x;
                CREATE TABLE x.p (id int PRIMARY KEY);
                CREATE TABLE x.q (id int PRIMARY KEY, p_id int NOT NULL REFERENCES x.p, r_id int NOT NULL);
                CREATE TABLE x.r (id int PRIMARY KEY, q_id int NOT NULL REFERENCES x.q);
                ALTER TABLE x.q ADD FOREIGN KEY (r_id) REFERENCES x.r;
                """);
        Path job = JobFiles.write(dir, "refused.yaml", "job: refused\nroot:\n  table: x.p\n  where: \"true\"\n", db.url());
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).isEqualTo(2);
        assertThat(plan.out()).contains("ERROR").contains("x.q, x.r").contains("nullable").contains("DEFERRABLE");
        Cli.Result deploy = Cli.run("deploy", "-j", job.toString());
        assertThat(deploy.exitCode()).isEqualTo(2);
        try (Connection c = db.connect(); var rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM pg_namespace WHERE nspname = 'declutter'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }
}
