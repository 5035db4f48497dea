package io.declutter.runner.hard;

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
 * A foreign key declared on some partitions only, not on the partitioned table (as some widely used sample schemas
 * do). The closure follows it through the partitioned table, restricted to the rows of the declaring partition: the
 * rows it binds are backed up and deleted before their parent, rows of the other partitions are not bound and stay,
 * and the check before the first delete knows the edge.
 */
class PartitionOnlyForeignKeysTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("partonly");

    private static final String SCHEMA = """
            create table customer (id int primary key, store int not null);
            -- the issue's script has no primary key on payment (a keyless leaf is purged by row identity, see
            -- KeylessTablesTest); the sample schema it comes from has this one
            create table payment (id int, customer_id int not null, paid date not null, primary key (id, paid))
                partition by range (paid);
            create table payment_2022 partition of payment for values from ('2022-01-01') to ('2023-01-01');
            create table payment_2023 partition of payment for values from ('2023-01-01') to ('2024-01-01');
            alter table payment_2022 add foreign key (customer_id) references customer(id);
            insert into customer values (1, 1), (2, 2);
            insert into payment values (1, 1, '2022-05-01'), (2, 2, '2023-05-01');
            -- no foreign key binds payment_2023: this row of customer 1 does not stop its delete and is no child
            insert into payment values (3, 1, '2023-06-01');
            """;

    private static final List<String> TABLES = List.of("public.customer", "public.payment");

    @Test
    void rowsOfTheDeclaringPartitionArePurgedWithABackupAndRestored() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "customer_purge.yaml", """
                job: customer_purge
                root:
                  table: public.customer
                  where: "store = 1"
                """, db.url());
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, TABLES);
        }
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("payment_2022_customer_id_fkey (customer_id) on public.payment_2022")
                .contains("public.payment partition public.payment_2022(customer_id) -> public.customer(id)")
                .contains("has no index on public.payment_2022(customer_id)")
                // its index belongs on the partition that declares it
                .contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS payment_2022_customer_id_idx ON public.payment_2022"
                        + " (customer_id);");

        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from customer")).containsExactly("2");
            assertThat(ids(c, "select id from payment")).containsExactly("2", "3");
            assertThat(ids(c, "select id || ':' || customer_id || ':' || paid from declutter.bk_customer_purge_payment"))
                    .containsExactly("1:1:2022-05-01");
        }
        Cli.Result verify = Cli.run("verify", "-j", job.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();

        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).isEqualTo(before);
            assertThat(ids(c, "select id || ':' || tableoid::regclass from payment"))
                    .containsExactly("1:payment_2022", "2:payment_2023", "3:payment_2023");
        }
    }

    /**
     * Two partitions declaring a foreign key of the same name (constraint names are unique per table only), one of
     * them a partition of a partition, one ON DELETE CASCADE: each is an edge of its own, restricted to its partition.
     */
    @Test
    void sameNamedKeysOnSeveralPartitionsAtAnyLevelAreEdgesOfTheirOwn() throws Exception {
        ScratchDatabase db = databases.load("""
                create table customer (id int primary key);
                create table payment (id int, customer_id int not null, paid date not null, primary key (id, paid))
                    partition by range (paid);
                create table payment_2022 partition of payment for values from ('2022-01-01') to ('2023-01-01');
                create table payment_2023 partition of payment for values from ('2023-01-01') to ('2024-01-01')
                    partition by range (paid);
                create table payment_2023_h1 partition of payment_2023 for values from ('2023-01-01') to ('2023-07-01');
                create table payment_2023_h2 partition of payment_2023 for values from ('2023-07-01') to ('2024-01-01');
                create index on payment (customer_id);
                alter table payment_2022 add constraint payment_customer_fk foreign key (customer_id)
                    references customer(id) on delete cascade;
                alter table payment_2023_h1 add constraint payment_customer_fk foreign key (customer_id)
                    references customer(id);
                insert into customer values (1), (2);
                insert into payment values (1, 1, '2022-05-01'), (2, 1, '2023-03-01'), (3, 1, '2023-09-01'),
                                           (4, 2, '2022-02-02'), (5, 2, '2023-03-03');
                """);
        Path job = JobFiles.write(dir, "customer_purge.yaml", """
                job: customer_purge
                root:
                  table: public.customer
                  where: "id = 1"
                batchSize: 1
                """, db.url());
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, TABLES);
        }
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("payment_customer_fk (customer_id) on public.payment_2022")
                .contains("payment_customer_fk (customer_id) on public.payment_2023_h1")
                // the index on payment gives each partition its own: no unindexed foreign key
                .doesNotContain("unindexed foreign key");

        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from customer")).containsExactly("2");
            // payment 3 (second half of 2023) is bound by no foreign key: it stays
            assertThat(ids(c, "select id from payment")).containsExactly("3", "4", "5");
            assertThat(ids(c, "select id from declutter.bk_customer_purge_payment")).containsExactly("1", "2");
        }
        ok(Cli.run("verify", "-j", job.toString()));
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).isEqualTo(before);
        }
    }
}
