package io.declutter.plan;

import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Tarjan's components: content, and a deterministic order (sorted members, components by smallest member). */
class StronglyConnectedComponentsTest {

    /** The components with their members as lists, so that the order of members is asserted too. */
    private static <N extends Comparable<N>> List<List<N>> components(Map<N, ? extends Collection<N>> graph) {
        return StronglyConnectedComponents.of(graph).stream().map(c -> List.copyOf(c)).toList();
    }

    @Test
    void emptyGraphHasNoComponents() {
        assertThat(StronglyConnectedComponents.of(Map.<String, List<String>>of())).isEmpty();
    }

    @Test
    void acyclicGraphHasOneComponentPerNodeInNodeOrder() {
        Map<String, List<String>> graph = Map.of(
                "c", List.of(),
                "a", List.of("b"),
                "b", List.of("c"));

        assertThat(components(graph))
                .containsExactly(List.of("a"), List.of("b"), List.of("c"));
    }

    @Test
    void twoNodeCycleIsOneComponent() {
        Map<String, List<String>> graph = Map.of(
                "a", List.of("b"),
                "b", List.of("a", "c"),
                "c", List.of());

        assertThat(components(graph))
                .containsExactly(List.of("a", "b"), List.of("c"));
    }

    @Test
    void selfLoopIsAComponentOfOneNode() {
        Map<String, List<String>> graph = Map.of(
                "a", List.of("a", "b"),
                "b", List.of());

        assertThat(components(graph))
                .containsExactly(List.of("a"), List.of("b"));
    }

    @Test
    void componentsAreOrderedBySmallestMemberAndMembersAreSorted() {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        graph.put("z", List.of("e"));
        graph.put("e", List.of("d"));
        graph.put("d", List.of("z", "b"));
        graph.put("c", List.of("a"));
        graph.put("a", List.of("c", "b"));
        graph.put("b", List.of());

        assertThat(components(graph)).containsExactly(List.of("a", "c"), List.of("b"), List.of("d", "e", "z"));
    }

    @Test
    void resultDoesNotDependOnMapOrSuccessorOrder() {
        Map<Integer, List<Integer>> one = new LinkedHashMap<>();
        one.put(1, List.of(2, 5));
        one.put(2, List.of(3));
        one.put(3, List.of(1, 4));
        one.put(4, List.of(5));
        one.put(5, List.of(4, 6));
        one.put(6, List.of());
        Map<Integer, List<Integer>> other = new HashMap<>();
        other.put(6, List.of());
        other.put(5, List.of(6, 4));
        other.put(4, List.of(5));
        other.put(3, List.of(4, 1));
        other.put(2, List.of(3));
        other.put(1, List.of(5, 2));

        assertThat(components(one))
                .containsExactly(List.of(1, 2, 3), List.of(4, 5), List.of(6))
                .isEqualTo(components(other));
    }

    @Test
    void nodesOnlyNamedAsSuccessorsStillFormComponents() {
        Map<String, List<String>> graph = Map.of("a", List.of("b"));

        assertThat(components(graph)).containsExactly(List.of("a"), List.of("b"));
    }

    @Test
    void longChainDoesNotLoseNodes() {
        Map<Integer, List<Integer>> chain = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            chain.put(i, List.of(i + 1));
        }
        chain.put(500, List.of(0));

        assertThat(components(chain)).singleElement()
                .satisfies(c -> assertThat(c).hasSize(501).startsWith(0).endsWith(500));
    }
}
