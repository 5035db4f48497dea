package io.declutter.plan;

import io.declutter.model.Job;
import io.declutter.model.PurgePlan;
import io.declutter.model.Catalog;
import io.declutter.model.Edge;
import io.declutter.model.TableName;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/** Jobs and plans for graph tests: job {@code purge}, a predicate on the root, PostgreSQL's 63-byte names. */
final class TestJobs {

    static final int MAX_IDENTIFIER_BYTES = 63;

    private TestJobs() {
    }

    /** Job {@code purge} on {@code root}, excluding the given tables (names as {@link CatalogBuilder#name}). */
    static Job job(String root, String... excluded) {
        return new Job("purge", CatalogBuilder.name(root), Optional.of("closed"), 1000, true,
                Arrays.stream(excluded).map(CatalogBuilder::name).toList(),
                Duration.ofSeconds(5), Duration.ofMinutes(10));
    }

    /** The same job with edge overrides ({@code table.constraint}, all {@code delete}). */
    static Job withOverrides(Job job, String... edges) {
        return new Job(job.name(), job.root(), job.rootPredicate(), job.batchSize(), job.backup(), job.excludedTables(),
                job.lockTimeout(), job.statementTimeout(), Arrays.stream(edges).map(e -> {
                    int dot = e.lastIndexOf('.');
                    return new io.declutter.model.EdgeOverride(CatalogBuilder.name(e.substring(0, dot)),
                            e.substring(dot + 1), io.declutter.model.Strategy.DELETE);
                }).toList());
    }

    static PurgePlan plan(Catalog catalog, Job job) {
        return new PlanBuilder(catalog, job, MAX_IDENTIFIER_BYTES).build();
    }

    static PurgePlan plan(Catalog catalog, String root, String... excluded) {
        return plan(catalog, job(root, excluded));
    }

    /** The control row of the named constraint. */
    static Edge edge(PurgePlan plan, String constraint) {
        return plan.edges().stream()
                .filter(e -> e.foreignKey().map(fk -> fk.name().equals(constraint)).orElse(false))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no edge for constraint " + constraint + " in " + plan.edges()));
    }

    static TableName t(String name) {
        return CatalogBuilder.name(name);
    }
}
