package io.declutter.dialect;

import io.declutter.model.Edge;
import io.declutter.model.Finding;
import io.declutter.model.PurgePlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Plans whose cycles are broken by deferring DEFERRABLE foreign keys inside each delete batch, on a dialect whose
 * procedures cannot do that ({@link Dialect#defersCycles()}): refused at plan and generate time, naming the
 * constraints and what to do instead.
 */
public final class DeferredCycles {

    private DeferredCycles() {
    }

    /** Why the dialect cannot run the plan's deferred cycles; empty when it has none or the dialect defers them. */
    public static Optional<String> refusal(Dialect dialect, PurgePlan plan) {
        if (dialect.defersCycles()) {
            return Optional.empty();
        }
        List<Edge> deferred = plan.followedEdges().stream().filter(Edge::deferred).toList();
        if (deferred.isEmpty()) {
            return Optional.empty();
        }
        String fks = deferred.stream().map(e -> e.foreignKey().orElseThrow())
                .map(fk -> fk.name() + " (" + fk.display() + ")").collect(Collectors.joining(", "));
        return Optional.of("a cycle across tables is broken only through the DEFERRABLE NOT NULL foreign key"
                + (deferred.size() > 1 ? "s " : " ") + fks + ", which the " + dialect.name() + " dialect does not"
                + " defer inside a batch yet. Make one foreign key of the cycle nullable (declutter then sets it to null"
                + " before deleting and restores it on rollback), or exclude one of its tables from the job.");
    }

    /** The plan with the refusal added as an ERROR finding (so {@code plan} reports it and stops), when there is one. */
    public static PurgePlan check(Dialect dialect, PurgePlan plan) {
        Optional<String> refusal = refusal(dialect, plan);
        if (refusal.isEmpty()) {
            return plan;
        }
        String subject = plan.followedEdges().stream().filter(Edge::deferred)
                .map(e -> e.foreignKey().orElseThrow().name()).sorted().collect(Collectors.joining(", "));
        List<Finding> findings = new ArrayList<>();
        findings.add(new Finding(Finding.Severity.ERROR, Finding.Kind.CYCLE, subject, refusal.get()));
        findings.addAll(plan.findings());
        return new PurgePlan(plan.job(), plan.edges(), plan.tables(), plan.nullified(), findings);
    }
}
