package io.declutter.dialect.oracle;

import io.declutter.dialect.GeneratedFile;
import io.declutter.dialect.postgres.PostgresDialect;
import io.declutter.model.Catalog;
import io.declutter.model.Job;
import io.declutter.model.OnDelete;
import io.declutter.model.PurgePlan;
import io.declutter.model.Window;
import io.declutter.plan.CatalogBuilder;
import io.declutter.plan.PlanBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cycles broken through DEFERRABLE foreign keys on Oracle, as on PostgreSQL: {@code tenants <- orders <- events} and
 * {@code orders.last_event_id -> events}, NOT NULL and DEFERRABLE (NO ACTION), so only deferral breaks the cycle;
 * {@code scans -> events} is ON DELETE CASCADE. orders and events form a deferred unit: each delete batch grows the
 * batch into the set of connected rows (a global temporary table, to a fixed point), defers the unit's constraints,
 * deletes the set table by table, checks them (SET CONSTRAINTS ... IMMEDIATE) before the watermark moves; rollback
 * restores the unit in one transaction with the constraints deferred. Checked on the generated text only: nothing
 * here runs on Oracle.
 */
class OracleDeferredCycleTest {

    private static final OracleDialect ORACLE = OracleDialect.latest();
    private static final String FK = "orders_last_event_fk";
    private static final String QUALIFIED = "\"app\".\"" + FK + "\"";
    private static final String DEFER = "EXECUTE IMMEDIATE 'SET CONSTRAINTS " + QUALIFIED + " DEFERRED';";
    private static final String CHECK = "EXECUTE IMMEDIATE 'SET CONSTRAINTS " + QUALIFIED + " IMMEDIATE';";

    private static Catalog orders(boolean lastEventNullable) {
        CatalogBuilder b = new CatalogBuilder();
        b.table("tenants").id();
        CatalogBuilder.TableBuilder orders = b.table("orders").id().references("tenants", "tenant_id");
        if (lastEventNullable) {
            orders.nullableColumn("last_event_id");
        }
        orders.references("events", "last_event_id").named(FK).deferrable();
        b.table("events").id().references("orders", "order_id");
        b.table("scans").id().references("events", "event_id").onDelete(OnDelete.CASCADE);
        return b.build();
    }

    private static PurgePlan plan(Catalog catalog) {
        Job job = new Job("order_purge", CatalogBuilder.name("tenants"), Optional.of("closed"), 100, true, List.of(),
                Duration.ofSeconds(5), Duration.ofMinutes(1));
        return new PlanBuilder(catalog, job, ORACLE.naming()).build();
    }

    private static List<GeneratedFile> files(PurgePlan plan) {
        return new OracleGenerator(ORACLE).generate(plan);
    }

    private static String file(List<GeneratedFile> files, String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow().content();
    }

    private static String body() {
        PurgePlan plan = plan(orders(false));
        assertThat(plan.errors()).isEmpty();
        return file(files(plan), "order_purge/package_body.sql");
    }

    private static String between(String text, String from, String to) {
        int start = text.indexOf(from);
        assertThat(start).as("%s in the package body", from).isNotNegative();
        int end = text.indexOf(to, start);
        assertThat(end).as("%s after %s", to, from).isPositive();
        return text.substring(start, end + to.length());
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The delete batch of a unit table, from its heading to its RETURN. */
    private static String batch(String body, String table) {
        return between(body, "-- " + table + " (height", "RETURN;");
    }

    @Test
    void aDeferredCycleIsNoLongerRefusedForOracle() {
        PurgePlan plan = plan(orders(false));
        assertThat(plan.errors()).isEmpty();
        List<GeneratedFile> files = files(plan);
        assertThat(ORACLE.generate(plan, Window.ALWAYS)).isNotEmpty();
        // the set of a batch lives in a global temporary table of the job, deployed before the package
        String set = file(files, "order_purge/unit_set.sql");
        assertThat(set).contains("CREATE GLOBAL TEMPORARY TABLE DECLUTTER.DU_ORDER_PURGE_SET",
                "PRIMARY KEY (t, seq)", "ON COMMIT DELETE ROWS");
        List<String> paths = files.stream().map(GeneratedFile::path).toList();
        assertThat(paths.indexOf("order_purge/unit_set.sql")).isLessThan(paths.indexOf("order_purge/package_body.sql"));
        assertThat(file(files, "changelog.xml")).contains("unit_set.sql");
        assertThat(file(files, "install.sql")).contains("DU_ORDER_PURGE_SET");
    }

    @Test
    void eachBatchOfAUnitTableGrowsItsSetToAFixedPointThenDefersDeletesAndChecksBeforeTheWatermark() {
        String body = body();
        for (String table : List.of("app.orders", "app.events")) {
            String batch = batch(body, table);
            assertThat(batch).as(table).contains("Deferred unit", "DELETE FROM DECLUTTER.DU_ORDER_PURGE_SET;");
            // growth: catch-up and expansion statements inside one loop repeated until a round adds nothing
            String loop = between(batch, "LOOP", "END LOOP;");
            assertThat(loop).contains("INSERT INTO DECLUTTER.DU_ORDER_PURGE_SET (t, seq)", "SELECT DISTINCT",
                    "EXIT WHEN v_round = 0;", "NOT EXISTS (SELECT 1 FROM DECLUTTER.DU_ORDER_PURGE_SET y");
            assertThat(loop).doesNotContain("FOR UPDATE", "DELETE FROM \"app\"");
            // deferral, then the deletes (FORALL through locked ROWIDs), then the check, then the watermark
            int defer = batch.indexOf(DEFER);
            int deleteOrders = batch.indexOf("DELETE FROM \"app\".\"orders\" WHERE ROWID = v_rowids(i);");
            int deleteEvents = batch.indexOf("DELETE FROM \"app\".\"events\" WHERE ROWID = v_rowids(i);");
            int check = batch.indexOf(CHECK);
            int watermark = batch.indexOf("DECLUTTER.NOTE_DELETE(p_run, ");
            assertThat(defer).as(table).isPositive();
            assertThat(defer).isLessThan(Math.min(deleteOrders, deleteEvents)).isGreaterThan(batch.indexOf("END LOOP;"));
            assertThat(check).isGreaterThan(Math.max(deleteOrders, deleteEvents)).isLessThan(watermark);
            assertThat(count(batch, DEFER)).isEqualTo(1);
            assertThat(count(batch, CHECK)).isEqualTo(1);
            // the batch's own table moves the watermark; the other's count goes to its control row and the log
            assertThat(batch).contains("(deferred unit ");
        }
        // only the deferrable NOT NULL key is deferred
        assertThat(count(body, "EXECUTE IMMEDIATE 'SET CONSTRAINTS \"")).isEqualTo(count(body, "SET CONSTRAINTS " + QUALIFIED + " "))
                .isEqualTo(8);
    }

    @Test
    void theLateRowCheckStillFollowsACascadeDeleteInsideTheUnit() {
        String batch = batch(body(), "app.events");
        int delete = batch.indexOf("DELETE FROM \"app\".\"events\" WHERE ROWID = v_rowids(i);");
        int late = batch.indexOf("FROM \"app\".\"scans\" AS OF SCN v_scn c", delete);
        assertThat(late).isGreaterThan(delete).isLessThan(batch.indexOf(CHECK));
        assertThat(batch.substring(late)).contains("p.declutter_seq IN (SELECT s.seq FROM DECLUTTER.DU_ORDER_PURGE_SET s",
                "RAISE_APPLICATION_ERROR(-20010");
    }

    @Test
    void aFailedUnitIsUndoneAndItsConstraintsSetBackToImmediate() {
        String body = body();
        assertThat(body).contains("v_deferred VARCHAR2(4000);");
        String handlers = between(body, "        EXCEPTION\n            WHEN e_lock_wait", "END step;");
        assertThat(count(handlers, "ROLLBACK TO SAVEPOINT declutter_unit;\n                IF v_deferred IS NOT NULL THEN\n"
                + "                    -- Undone to the savepoint: nothing is left to check; the constraints go back to IMMEDIATE.\n"
                + "                    EXECUTE IMMEDIATE 'SET CONSTRAINTS ' || v_deferred || ' IMMEDIATE';")).isEqualTo(2);
        // ORA-02292 from SET CONSTRAINTS ... IMMEDIATE is one of the errors retried
        assertThat(handlers).contains("e_child_found");
    }

    @Test
    void catchUpDeletesOfUnitRowsFromABatchAboveAreDeferredToo() {
        String batch = batch(body(), "app.tenants");
        int defer = batch.indexOf(DEFER);
        int check = batch.indexOf(CHECK);
        assertThat(defer).isPositive();
        assertThat(batch.indexOf("DELETE FROM \"app\".\"orders\" WHERE ROWID = v_rowids(i);")).isBetween(defer, check);
        assertThat(batch.indexOf("DELETE FROM \"app\".\"events\" WHERE ROWID = v_rowids(i);")).isBetween(defer, check);
        assertThat(check).isLessThan(batch.indexOf("DELETE FROM \"app\".\"tenants\" WHERE ROWID = v_batch(i);"));
    }

    @Test
    void rollbackRestoresTheUnitInOneTransactionWithItsConstraintsDeferred() {
        String rollback = between(body(), "PROCEDURE rollback_run(", "END rollback_run;");
        String unit = between(rollback, DEFER, "COMMIT;");
        assertThat(unit).contains("INSERT INTO \"app\".\"orders\" (", "INSERT INTO \"app\".\"events\" (", CHECK);
        assertThat(unit.indexOf(CHECK)).isGreaterThan(Math.max(unit.indexOf("INSERT INTO \"app\".\"orders\" ("),
                unit.indexOf("INSERT INTO \"app\".\"events\" (")));
        assertThat(count(rollback, DEFER)).isEqualTo(1);
        assertThat(count(rollback, CHECK)).isEqualTo(1);
    }

    @Test
    void postgresRunsTheSamePlan() {
        PurgePlan plan = plan(orders(false));
        PostgresDialect postgres = new PostgresDialect();
        assertThat(postgres.generate(plan, Window.ALWAYS)).isNotEmpty();
    }

    @Test
    void aCycleBrokenThroughANullableKeyDefersNothing() {
        PurgePlan plan = plan(orders(true));
        List<GeneratedFile> files = files(plan);
        assertThat(files).extracting(GeneratedFile::path).doesNotContain("order_purge/unit_set.sql");
        String body = file(files, "order_purge/package_body.sql");
        assertThat(body).doesNotContain("SET CONSTRAINTS", "v_deferred", "DU_ORDER_PURGE_SET");
    }
}
