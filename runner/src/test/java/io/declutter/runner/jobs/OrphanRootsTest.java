package io.declutter.runner.jobs;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.FreshDatabases;
import io.declutter.runner.testing.JobFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static io.declutter.runner.testing.Cli.ok;
import static io.declutter.runner.testing.Queries.ids;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Orphan jobs (docs/design.md#orphan-roots): {@code root: {orphansOf: ...}} purges the child rows whose parent row
 * does not exist, through a logical reference or a foreign key the database does not enforce, with their closure,
 * backup, verify and rollback; a second run finds nothing; a valid, enforced key is refused.
 */
class OrphanRootsTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("orphans");

    private static final String SCHEMA = """
            create table customers (id int primary key, name text);
            -- the application keeps orders.customer_id without a constraint
            create table orders (id int primary key, customer_id int, note text);
            create index on orders (customer_id);
            create table order_items (id int primary key, order_id int not null references orders(id));
            create index on order_items (order_id);
            create table item_notes (id int primary key, item_id int not null references order_items(id)
                                     on delete cascade);
            create index on item_notes (item_id);
            -- a second reference with two columns, of which a NULL in one is no reference
            create table regions (code text, num int, primary key (code, num));
            create table depots (id int primary key, region_code text, region_num int);
            create index on depots (region_code, region_num);
            create table shipments (id int primary key, customer_id int references customers(id));
            create index on shipments (customer_id);
            create table payments (id int primary key, customer_id int not null references customers(id));
            create index on payments (customer_id);
            create table invoices (id int primary key, customer_id int);
            create index on invoices (customer_id);
            insert into customers values (1, 'one'), (2, 'two');
            insert into orders values (10, 1, 'kept'), (11, 3, 'orphan'), (12, null, 'no customer'),
                                      (13, 4, 'orphan'), (14, 2, 'kept');
            insert into order_items values (100, 10), (101, 11), (102, 13), (103, 13), (104, 14);
            insert into item_notes values (1000, 102), (1001, 104);
            insert into regions values ('eu', 1);
            insert into depots values (1, 'eu', 1), (2, 'eu', 2), (3, null, 7), (4, 'us', null);
            insert into payments values (1, 1);
            insert into invoices values (1, 1), (2, 9), (3, null);
            alter table invoices add constraint invoices_customer_fk foreign key (customer_id)
                references customers(id) not valid;
            alter table shipments disable trigger all;
            insert into shipments values (1, 1), (2, 8), (3, null);
            """;

    private static final List<String> TABLES = List.of("public.customers", "public.orders", "public.order_items",
            "public.item_notes", "public.depots", "public.shipments", "public.invoices", "public.payments");

    private static final String REFERENCES = """
            references:
              - child: public.orders
                columns: [customer_id]
                parent: public.customers
              - name: depot_region
                child: public.depots
                columns: [region_code, region_num]
                parent: public.regions
            """;

    private Path job(ScratchDatabase db, String name, String orphansOf) throws Exception {
        return JobFiles.write(dir, name + ".yaml", "job: " + name + "\nroot:\n  orphansOf: " + orphansOf + "\n"
                + REFERENCES + "batchSize: 1\n", db.url());
    }

    @Test
    void orphansOfALogicalReferenceArePurgedWithTheirClosureRestoredAndASecondRunFindsNothing() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = job(db, "order_orphans", "ref_orders_customer_id");
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, TABLES);
        }
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        ok(plan);
        assertThat(plan.out()).contains("orphans of ref_orders_customer_id")
                .contains("public.order_items").contains("public.item_notes");
        Path dot = dir.resolve("closure.dot");
        ok(Cli.run("plan", "-j", job.toString(), "--dot", dot.toString()));
        assertThat(java.nio.file.Files.readString(dot)).as("the picture says which rows are purged")
                .contains("purge public.orders: orphans of ref_orders_customer_id");

        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        Map<String, Checksums.Sum> after;
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from orders")).as("orphans gone, a NULL reference stays")
                    .containsExactly("10", "12", "14");
            assertThat(ids(c, "select id from order_items")).containsExactly("100", "104");
            assertThat(ids(c, "select id from item_notes")).containsExactly("1001");
            assertThat(ids(c, "select id from declutter.bk_order_orphans_orders"))
                    .containsExactly("11", "13");
            after = Checksums.of(c, TABLES);
        }
        ok(Cli.run("verify", "-j", job.toString()));

        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).as("the second run changes nothing").isEqualTo(after);
            assertThat(ids(c, "select count(*) from declutter.bk_order_orphans_orders where declutter_run = 2"))
                    .as("the second run finds no orphans").containsExactly("0");
        }

        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).isEqualTo(before);
        }
    }

    @Test
    void aNullInOneColumnOfATwoColumnReferenceIsNoOrphan() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = job(db, "depot_orphans", "depot_region");
        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from depots")).containsExactly("1", "3", "4");
        }
        ok(Cli.run("verify", "-j", job.toString()));
    }

    @Test
    void orphansOfANotValidForeignKeyAndOfOneWithItsTriggersDisabledArePurged() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path invoices = job(db, "invoice_orphans", "public.invoices.invoices_customer_fk");
        Cli.Result plan = Cli.run("plan", "-j", invoices.toString());
        ok(plan);
        assertThat(plan.out()).contains("orphans of invoices_customer_fk");
        ok(Cli.run("deploy", "-j", invoices.toString()));
        ok(Cli.run("run", "-j", invoices.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from invoices")).containsExactly("1", "3");
        }
        ok(Cli.run("verify", "-j", invoices.toString()));
        ok(Cli.run("rollback", "-j", invoices.toString(), "--run", "1"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from invoices")).as("the orphan is back, as it was").containsExactly("1", "2",
                    "3");
            assertThat(ids(c, "select customer_id from invoices where id = 2")).containsExactly("9");
        }

        Path shipments = job(db, "shipment_orphans", "public.shipments.shipments_customer_id_fkey");
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, TABLES);
        }
        ok(Cli.run("deploy", "-j", shipments.toString()));
        ok(Cli.run("run", "-j", shipments.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from shipments")).containsExactly("1", "3");
        }
        ok(Cli.run("verify", "-j", shipments.toString()));
        ok(Cli.run("rollback", "-j", shipments.toString(), "--run", "2"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).isEqualTo(before);
        }
    }

    @Test
    void aValidEnforcedForeignKeyOrAnUnknownNameIsBadInputAndNothingChanges() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, TABLES);
        }
        Path valid = job(db, "payment_orphans", "public.payments.payments_customer_id_fkey");
        for (String command : List.of("plan", "deploy")) {
            Cli.Result r = Cli.run(command, "-j", valid.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("payments_customer_id_fkey").contains("is valid and enforced")
                    .contains("no orphans");
        }
        Path unknown = job(db, "nothing", "public.orders.no_such_key");
        Cli.Result r = Cli.run("plan", "-j", unknown.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("no_such_key").contains("neither a logical reference");
        Path plain = job(db, "nothing", "orders_ref");
        r = Cli.run("plan", "-j", plain.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("names no logical reference").contains("depot_region, ref_orders_customer_id")
                .contains("schema.table.constraint");
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).isEqualTo(before);
            assertThat(ids(c, "select count(*) from pg_namespace where nspname = 'declutter'")).containsExactly("0");
        }
    }
}
