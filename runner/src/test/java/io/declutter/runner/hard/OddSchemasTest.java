package io.declutter.runner.hard;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.testing.FreshDatabases;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.RoundTrip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Schema features that break other tools, each purged and rolled back against the independent oracle. */
class OddSchemasTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("odd");

    private ScratchDatabase db;

    private void load(String sql) throws Exception {
        db = databases.load(sql);
    }

    @Test
    void partitionedTablesOnBothSidesOfForeignKeysAndAcrossSchemas() throws Exception {
        load("""
                CREATE SCHEMA core;
                CREATE SCHEMA billing;
                CREATE TABLE core.customers (id bigint PRIMARY KEY, region text NOT NULL, gone boolean NOT NULL);
                -- partitioned child of the root, and parent of another table
                CREATE TABLE billing.orders (id bigint NOT NULL, customer_id bigint NOT NULL REFERENCES core.customers,
                                             placed date NOT NULL, PRIMARY KEY (id, placed))
                    PARTITION BY RANGE (placed);
                CREATE TABLE billing.orders_2024 PARTITION OF billing.orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
                CREATE TABLE billing.orders_2025 PARTITION OF billing.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
                CREATE TABLE billing.order_lines (id bigint PRIMARY KEY, order_id bigint NOT NULL, placed date NOT NULL,
                                                  sku text NOT NULL,
                                                  FOREIGN KEY (order_id, placed) REFERENCES billing.orders (id, placed));
                CREATE INDEX ON billing.order_lines (order_id, placed);
                CREATE INDEX ON billing.orders (customer_id);
                -- an FK to a unique key that is not the primary key
                CREATE TABLE core.devices (id bigint PRIMARY KEY, serial text NOT NULL UNIQUE,
                                           customer_id bigint NOT NULL REFERENCES core.customers);
                CREATE TABLE core.device_pings (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                                serial text NOT NULL REFERENCES core.devices (serial), at timestamptz NOT NULL);
                INSERT INTO core.customers SELECT g, 'r' || g % 3, g % 4 = 0 FROM generate_series(1, 40) g;
                INSERT INTO billing.orders SELECT g, 1 + g % 40, date '2024-06-01' + (g % 300) FROM generate_series(1, 400) g;
                INSERT INTO billing.order_lines SELECT g, o.id, o.placed, 'sku' || g
                  FROM generate_series(1, 1200) g JOIN billing.orders o ON o.id = 1 + g % 400;
                INSERT INTO core.devices SELECT g, 'SN-' || g, 1 + g % 40 FROM generate_series(1, 80) g;
                INSERT INTO core.device_pings (serial, at) SELECT 'SN-' || (1 + g % 80), now() FROM generate_series(1, 500) g;
                """);
        ClosureOracle.Closure closure = RoundTrip.check(db, dir, "customers", "core.customers", "gone", 37, "");
        assertThat(closure.count("billing.orders")).isEqualTo(100);
        assertThat(closure.count("billing.order_lines")).isEqualTo(300);
        assertThat(closure.count("core.device_pings")).isPositive();
    }

    @Test
    void hostileIdentifiersAndNamesAtTheLengthLimit() throws Exception {
        String longTable = "t_" + "x".repeat(61);           // 63 bytes: the backup name must be shortened
        String longTable2 = "t_" + "x".repeat(60) + "y";    // same 60-byte prefix
        load("""
                CREATE SCHEMA "Odd Schema";
                CREATE TABLE "Odd Schema"."Tenants ""Main""\" ("ID" int PRIMARY KEY, "select" boolean NOT NULL);
                CREATE TABLE "Odd Schema"."user" ("order" int PRIMARY KEY,
                    "Tenant Ref" int NOT NULL REFERENCES "Odd Schema"."Tenants ""Main""\",
                    "naïve café" text, "größe" int GENERATED ALWAYS AS ("order" * 2) STORED);
                CREATE TABLE "Odd Schema"."LONG_ONE" (id int PRIMARY KEY, u int NOT NULL REFERENCES "Odd Schema"."user");
                CREATE TABLE "Odd Schema"."LONG_TWO" (id int PRIMARY KEY, u int NOT NULL REFERENCES "Odd Schema"."user",
                    "parent-id" int REFERENCES "Odd Schema"."LONG_TWO");
                CREATE TABLE "Odd Schema"."composite key" ("a b" int, "c;d" int, u int NOT NULL REFERENCES "Odd Schema"."user",
                    PRIMARY KEY ("a b", "c;d"));
                CREATE TABLE "Odd Schema"."refs composite" (id int PRIMARY KEY, x int NOT NULL, y int NOT NULL,
                    FOREIGN KEY (x, y) REFERENCES "Odd Schema"."composite key" ("a b", "c;d"));
                INSERT INTO "Odd Schema"."Tenants ""Main""\" SELECT g, g % 2 = 0 FROM generate_series(1, 10) g;
                INSERT INTO "Odd Schema"."user" SELECT g, 1 + g % 10, 'né ' || g FROM generate_series(1, 100) g;
                INSERT INTO "Odd Schema"."LONG_ONE" SELECT g, 1 + g % 100 FROM generate_series(1, 200) g;
                INSERT INTO "Odd Schema"."LONG_TWO" SELECT g, 1 + g % 100, CASE WHEN g > 21 THEN g - 21 END FROM generate_series(1, 200) g;
                INSERT INTO "Odd Schema"."composite key" SELECT g / 10, g % 10, 1 + g % 100 FROM generate_series(1, 300) g;
                INSERT INTO "Odd Schema"."refs composite" SELECT g, g / 10, g % 10 FROM generate_series(1, 300) g;
                """.replace("LONG_ONE", longTable).replace("LONG_TWO", longTable2));
        ClosureOracle.Closure closure = RoundTrip.check(db, dir, "odd_names", "Odd Schema.Tenants \"Main\"",
                "\"select\"", 13, "");
        assertThat(closure.count("Odd Schema.user")).isEqualTo(50);
        assertThat(closure.count("Odd Schema." + longTable2)).isGreaterThan(100);
    }
}
