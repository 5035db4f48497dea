package io.declutter.plan;

import io.declutter.model.ForeignKey;
import io.declutter.model.OnDelete;
import io.declutter.model.TableName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.declutter.plan.TestJobs.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** Heights: 0 for leaves, else 1 + the highest child; the longest path wins. */
class HeightsTest {

    private static ForeignKey fk(String parent, String child) {
        return new ForeignKey(child + "_" + parent + "_fkey", t(child), List.of(parent + "_id"),
                t(parent), List.of("id"), OnDelete.NO_ACTION, false, false);
    }

    private static List<TableName> tables(String... names) {
        return Arrays.stream(names).map(TestJobs::t).toList();
    }

    @Test
    void singleTableHasHeightZero() {
        assertThat(Heights.of(tables("a"), List.of(), Set.of())).containsExactly(entry(t("a"), 0));
    }

    @Test
    void longestPathDecidesTheHeightWhenAShortPathAlsoExists() {
        // a -> b -> c -> d (long) and a -> d (short)
        List<ForeignKey> edges = List.of(fk("a", "b"), fk("b", "c"), fk("c", "d"), fk("a", "d"));

        Map<TableName, Integer> heights = Heights.of(tables("a", "b", "c", "d"), edges, Set.of());

        assertThat(heights).containsOnly(
                entry(t("a"), 3), entry(t("b"), 2), entry(t("c"), 1), entry(t("d"), 0));
    }

    @Test
    void siblingsTakeTheHighestChild() {
        // a -> b -> c, a -> e: a waits for b (height 1), not e (height 0)
        List<ForeignKey> edges = List.of(fk("a", "e"), fk("a", "b"), fk("b", "c"));

        assertThat(Heights.of(tables("a", "b", "c", "e"), edges, Set.of())).containsOnly(
                entry(t("a"), 2), entry(t("b"), 1), entry(t("c"), 0), entry(t("e"), 0));
    }

    @Test
    void breakingEdgesImposeNoOrder() {
        ForeignKey back = fk("c", "a");
        List<ForeignKey> edges = List.of(fk("a", "b"), fk("b", "c"), back);

        assertThat(Heights.of(tables("a", "b", "c"), edges, Set.of(back))).containsOnly(
                entry(t("a"), 2), entry(t("b"), 1), entry(t("c"), 0));
    }

    @Test
    void selfReferenceDoesNotRaiseTheHeight() {
        List<ForeignKey> edges = List.of(fk("a", "b"), fk("b", "b"));

        assertThat(Heights.of(tables("a", "b"), edges, Set.of())).containsOnly(entry(t("a"), 1), entry(t("b"), 0));
    }

    @Test
    void tablesOfAnUnbrokenCycleShareOneHeight() {
        // a -> b <-> c -> d
        List<ForeignKey> edges = List.of(fk("a", "b"), fk("b", "c"), fk("c", "b"), fk("c", "d"));

        assertThat(Heights.of(tables("a", "b", "c", "d"), edges, Set.of())).containsOnly(
                entry(t("a"), 2), entry(t("b"), 1), entry(t("c"), 1), entry(t("d"), 0));
    }
}
