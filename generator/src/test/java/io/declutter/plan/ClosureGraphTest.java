package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.EdgeOverride;
import io.declutter.model.Finding.Severity;
import io.declutter.model.Job;
import io.declutter.model.LogicalReference;
import io.declutter.model.OnDelete;
import io.declutter.model.PurgePlan;
import io.declutter.model.Strategy;
import io.declutter.plan.ClosureGraph.Kind;
import io.declutter.plan.ClosureGraph.Link;
import io.declutter.plan.ClosureGraph.Mark;
import io.declutter.plan.ClosureGraph.Node;
import io.declutter.plan.ClosureGraph.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.declutter.plan.TestJobs.t;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The closure graph the plan pictures draw (docs/plan-picture.md): every kind of edge, the tables whose rows stay, the
 * closure tree that collapsing follows, and the findings placed on the tables and edges they are about.
 */
class ClosureGraphTest {

    /**
     * tenants (root) <- users (CASCADE) <- orders (unindexed, with a trigger); users <- a <-> b (a cycle broken by
     * the nullable a.b_id); tenants <- audit_log (SET NULL); tenants <- archive (excluded); users <- keep (skipped
     * by an override); users <- notes and comments by logical references, followed and ignored.
     */
    private static Catalog catalog() {
        return new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id").onDelete(OnDelete.CASCADE)
                .table("orders").id().references("users", "user_id").unindexed().trigger("orders_audit")
                .table("a").id().nullableColumn("b_id").references("users", "user_id").references("b", "b_id")
                .table("b").id().references("a", "a_id")
                .table("audit_log").id().nullableColumn("tenant_id").references("tenants", "tenant_id")
                .onDelete(OnDelete.SET_NULL)
                .table("archive").id().references("tenants", "tenant_id")
                .table("keep").id().references("users", "user_id")
                .table("notes").id().column("user_ref")
                .table("comments").id().column("user_ref")
                .build();
    }

    private static Job job() {
        return new Job("purge", t("tenants"), Optional.of("closed"), 1000, true, List.of(t("archive")),
                Duration.ofSeconds(5), Duration.ofMinutes(10),
                List.of(new EdgeOverride(t("keep"), "keep_user_id_fkey", Strategy.SKIP)), List.of(),
                List.of(new LogicalReference("notes_user", t("notes"), List.of("user_ref"), t("users"), List.of(),
                                LogicalReference.Action.DELETE),
                        new LogicalReference("comments_user", t("comments"), List.of("user_ref"), t("users"),
                                List.of(), LogicalReference.Action.IGNORE)));
    }

    private static ClosureGraph graph() {
        PurgePlan plan = TestJobs.plan(catalog(), job());
        return ClosureGraph.of(plan, catalog());
    }

    @Test
    void nodesAreTheClosureAndTheTablesWhoseRowsStaySortedByName() {
        ClosureGraph g = graph();
        assertThat(g.nodes()).extracting(Node::id).containsExactly("app.a", "app.archive", "app.audit_log", "app.b",
                "app.comments", "app.keep", "app.notes", "app.orders", "app.tenants", "app.users");
        assertThat(g.nodes()).filteredOn(n -> n.role() == Role.KEPT).extracting(Node::id)
                .containsExactlyInAnyOrder("app.archive", "app.audit_log", "app.comments", "app.keep");
        assertThat(node(g, "app.tenants").role()).isEqualTo(Role.ROOT);
        assertThat(g.purgedTables()).isEqualTo(6);
        assertThat(g.root()).isEqualTo("app.tenants");
        assertThat(g.condition()).contains("closed");
    }

    @Test
    void everyEdgeHasItsKeyActionAndStrategy() {
        ClosureGraph g = graph();
        assertThat(link(g, "users_tenant_id_fkey")).extracting(Link::kind, Link::onDelete, Link::strategy,
                Link::from, Link::to).containsExactly(Kind.DELETE, "CASCADE", "delete", "app.tenants", "app.users");
        assertThat(link(g, "audit_log_tenant_id_fkey")).extracting(Link::kind, Link::onDelete, Link::strategy)
                .containsExactly(Kind.SET_NULL, "SET NULL", "set null");
        assertThat(link(g, "archive_tenant_id_fkey").kind()).isEqualTo(Kind.EXCLUDED);
        assertThat(link(g, "keep_user_id_fkey").kind()).isEqualTo(Kind.SKIPPED);
        assertThat(link(g, "a_b_id_fkey")).extracting(Link::kind, Link::strategy)
                .containsExactly(Kind.CYCLE, "delete (detach)");
        assertThat(link(g, "b_a_id_fkey").kind()).isEqualTo(Kind.CYCLE);
        assertThat(link(g, "notes_user")).extracting(Link::kind, Link::onDelete, Link::logical)
                .containsExactly(Kind.DELETE, "logical", true);
        Link ignored = link(g, "comments_user");
        assertThat(ignored).extracting(Link::id, Link::edge, Link::kind, Link::logical, Link::from, Link::to)
                .containsExactly("ignored:comments_user", 0, Kind.IGNORED, true, "app.users", "app.comments");
        // control-table order, the ignored reference (no control row) last
        assertThat(g.links().get(g.links().size() - 1)).isSameAs(ignored);
        assertThat(g.links().subList(0, g.links().size() - 1)).extracting(Link::edge).isSorted();
    }

    @Test
    void eachTableHangsUnderTheTableTheClosureFirstReachedItFrom() {
        ClosureGraph g = graph();
        assertThat(node(g, "app.tenants").parent()).isEmpty();
        assertThat(node(g, "app.users").parent()).contains("app.tenants");
        assertThat(node(g, "app.a").parent()).contains("app.users");
        assertThat(node(g, "app.b").parent()).contains("app.a");
        assertThat(node(g, "app.comments").parent()).contains("app.users");
        assertThat(node(g, "app.archive").parent()).contains("app.tenants");
        assertThat(node(g, "app.b").depth()).isEqualTo(3);
        assertThat(node(g, "app.a").cycleGroup()).isPositive().isEqualTo(node(g, "app.b").cycleGroup());
    }

    @Test
    void findingsLieOnTheTablesAndEdgesTheyAreAbout() {
        ClosureGraph g = graph();
        Mark unindexed = g.findings().stream().filter(m -> m.kind().equals("unindexed foreign key")
                && m.subject().equals("orders_user_id_fkey")).findFirst().orElseThrow();
        assertThat(unindexed.links()).containsExactly(link(g, "orders_user_id_fkey").id());
        assertThat(link(g, "orders_user_id_fkey").findings()).contains(unindexed.id());
        assertThat(g.worst(link(g, "orders_user_id_fkey").findings())).contains(Severity.WARNING);
        assertThat(mark(g, "trigger").nodes()).containsExactly("app.orders");
        assertThat(mark(g, "blocking edge").links()).containsExactly(link(g, "archive_tenant_id_fkey").id());
        assertThat(g.findings()).filteredOn(m -> m.kind().equals("logical reference"))
                .allSatisfy(m -> assertThat(m.links()).hasSize(1));
        assertThat(g.findings()).filteredOn(m -> m.kind().equals("cycle"))
                .allSatisfy(m -> assertThat(m.nodes().isEmpty() && m.links().isEmpty()).isFalse());
        assertThat(g.findings()).extracting(Mark::id).containsExactly(
                java.util.stream.IntStream.rangeClosed(1, g.findings().size()).boxed().toArray(Integer[]::new));
        // INFO findings are listed, not marked: a table with only INFO findings has no severity on the picture
        assertThat(g.findings()).filteredOn(m -> m.severity() == Severity.INFO).noneMatch(Mark::marked);
    }

    @Test
    void theSamePlanGivesTheSameGraph() {
        assertThat(graph()).isEqualTo(graph());
    }

    private static Node node(ClosureGraph g, String id) {
        return g.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id));
    }

    private static Link link(ClosureGraph g, String constraint) {
        return g.links().stream().filter(l -> l.constraint().equals(constraint)).findFirst()
                .orElseThrow(() -> new AssertionError(constraint + " not in " + g.links()));
    }

    private static Mark mark(ClosureGraph g, String kind) {
        return g.findings().stream().filter(m -> m.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError(kind + " not in " + g.findings()));
    }
}
