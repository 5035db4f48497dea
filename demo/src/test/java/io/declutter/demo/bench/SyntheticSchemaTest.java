package io.declutter.demo.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmark's synthetic schema: its size, shape and features, and that it is a function of seed and scale. */
class SyntheticSchemaTest {

    private final SyntheticSchema schema = new SyntheticSchema(42, 1);
    private final List<SyntheticSchema.TableDef> tables = schema.tables();

    @Test
    void hasAtLeastAHundredTablesUnderTheTenants() {
        assertThat(tables).hasSizeGreaterThanOrEqualTo(100);
        assertThat(tables.get(0).qualified()).isEqualTo(SyntheticSchema.ROOT);
        assertThat(depths()).containsKeys(tables.stream().filter(t -> !t.global()).map(SyntheticSchema.TableDef::name)
                .toArray(String[]::new));
    }

    /** Depth as plan reports it: the shortest FK path from the root (the longest one is 7). */
    @Test
    void isAtLeastSixDeep() {
        Map<String, Integer> depth = depths();
        assertThat(depth.values().stream().mapToInt(Integer::intValue).max().orElseThrow()).isGreaterThanOrEqualTo(6);
        assertThat(depth.get("notification_deliveries")).isEqualTo(6);
    }

    @Test
    void hasEveryFeatureTheIssueAsksFor() {
        List<SyntheticSchema.Fk> all = tables.stream().flatMap(t -> t.fks().stream()).toList();
        // diamonds: tables with FKs to two different parents, both under the tenants
        assertThat(tables.stream().filter(t -> !t.global() && t.fks().stream().filter(fk -> !fk.parent().equals(t.name()))
                .map(SyntheticSchema.Fk::parent).distinct().count() >= 2)).hasSizeGreaterThan(10);
        // several FKs between the same two tables
        assertThat(tables.stream().filter(t -> t.fks().stream().collect(Collectors.groupingBy(SyntheticSchema.Fk::parent,
                Collectors.counting())).values().stream().anyMatch(n -> n >= 2))).isNotEmpty();
        // a composite FK
        assertThat(all).anyMatch(fk -> fk.columns().size() == 2 && fk.parentColumns().equals(List.of("tenant_id", "id")));
        // a self-referencing tree through a nullable column
        assertThat(tables).anyMatch(t -> t.fks().stream().anyMatch(fk -> fk.parent().equals(t.name())
                && fk.ref() == SyntheticSchema.Ref.TREE && fk.nullable()));
        // SET NULL and CASCADE edges, a SET NULL from a global table into the tenants' data
        assertThat(all).anyMatch(fk -> fk.action() == SyntheticSchema.Action.SET_NULL);
        assertThat(all).anyMatch(fk -> fk.action() == SyntheticSchema.Action.CASCADE);
        assertThat(tables).anyMatch(t -> t.global() && t.fks().stream()
                .anyMatch(fk -> fk.action() == SyntheticSchema.Action.SET_NULL && fk.parent().equals("accounts")));
        // exactly one FK without an index
        assertThat(all.stream().filter(fk -> !fk.indexed())).hasSize(1);
        assertThat(schema.unindexedForeignKey()).isEqualTo("saas.api_keys(revoked_by_id)");
        assertThat(schema.indexStatements()).noneMatch(s -> s.contains("revoked_by_id"));
        // realistic widths
        assertThat(schema.ddl()).contains("varchar(255)", "varchar(500)", "char(64)", " text", " jsonb",
                " timestamptz", "numeric(12,2)", " uuid".substring(0, 0));
    }

    @Test
    void isAFunctionOfSeedAndScale() {
        String once = new SyntheticSchema(7, 0.5).script();
        assertThat(new SyntheticSchema(7, 0.5).script()).isEqualTo(once);
        assertThat(new SyntheticSchema(8, 0.5).script()).isNotEqualTo(once);
        assertThat(new SyntheticSchema(7, 1).script()).isNotEqualTo(once);
    }

    @Test
    void fourTimesTheScaleIsFourTimesTheTenants() {
        assertThat(new SyntheticSchema(42, 4).tenants()).isEqualTo(4 * new SyntheticSchema(42, 1).tenants());
        assertThat(new SyntheticSchema(42, 0.25).tenants() * 4).isEqualTo(schema.tenants());
        assertThatThrownBy(() -> new SyntheticSchema(42, 0.001)).hasMessageContaining("too small");
    }

    @Test
    void choosesTheSameTenantsForTheSameSeed() {
        Map<Long, Long> rows = new HashMap<>();
        for (long t = 1; t <= 100; t++) {
            rows.put(t, t * 10);
        }
        List<Long> a = Benchmark.choose(rows, 50_500, 20, 42);
        assertThat(Benchmark.choose(rows, 50_500, 20, 42)).isEqualTo(a);
        long chosen = a.stream().mapToLong(rows::get).sum();
        assertThat(chosen).isBetween(9_000L, 11_200L);
        assertThat(Benchmark.choose(rows, 50_500, 20, 43)).isNotEqualTo(a);
        // a small purge stays small: no tenant larger than twice the target is taken
        assertThat(Benchmark.choose(rows, 50_500, 1, 42).stream().mapToLong(rows::get).sum()).isBetween(250L, 1_010L);
        assertThat(Benchmark.choose(Map.of(1L, 100L, 2L, 50L), 150, 1, 42)).containsExactly(2L);
    }

    private Map<String, Integer> depths() {
        Map<String, List<String>> children = new HashMap<>();
        for (SyntheticSchema.TableDef t : tables) {
            for (SyntheticSchema.Fk fk : t.fks()) {
                if (!fk.parent().equals(t.name())) {
                    children.computeIfAbsent(fk.parent(), k -> new java.util.ArrayList<>()).add(t.name());
                }
            }
        }
        Map<String, Integer> depth = new HashMap<>(Map.of("tenants", 0));
        Deque<String> todo = new ArrayDeque<>(List.of("tenants"));
        while (!todo.isEmpty()) {
            String p = todo.poll();
            for (String c : children.getOrDefault(p, List.of())) {
                if (!depth.containsKey(c)) {
                    depth.put(c, depth.get(p) + 1);
                    todo.add(c);
                }
            }
        }
        return depth;
    }
}
