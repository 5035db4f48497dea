package io.declutter.runner.audit;

import io.declutter.dialect.DatabaseAudit.SavedAudit;
import io.declutter.dialect.DatabaseAudit.SavedTable;
import io.declutter.dialect.DatabaseAudit.Snapshot;
import io.declutter.dialect.DatabaseAudit.TableStats;
import io.declutter.dialect.Dialect;
import io.declutter.dialect.Dialects;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The ranking and thresholds of docs/audit.md#findings, on records alone. */
class FindingsTest {

    private static final Dialect POSTGRES = Dialects.forName("postgres");
    private static final Instant RESET = Instant.parse("2026-01-01T00:00:00Z");

    private static TableStats table(String name, long heap, long dead, long live, Long bloat, long ins, long upd,
                                    long del, String stamp) {
        return new TableStats("app", name, false, null, heap, 0, 0, live, null, live, dead, null, null, null, null,
                ins, upd, del, RESET, bloat, stamp);
    }

    private static Snapshot snapshot(TableStats... tables) {
        return new Snapshot(Instant.parse("2026-06-01T00:00:00Z"), List.of(tables), List.of(), List.of(), List.of(),
                List.of(), false);
    }

    @Test
    void largestReclaimableSpaceFirstAndThresholdsHold() {
        Snapshot s = snapshot(
                table("small_bloat", 1_000_000, 0, 10, 60_000L, 1, 1, 1, null),      // under 64 kB
                table("low_share", 10_000_000, 0, 10, 1_000_000L, 1, 1, 1, null),     // 10% of the heap
                table("bloated", 1_000_000, 0, 10, 500_000L, 1, 1, 1, null),
                table("very_bloated", 8_000_000, 0, 10, 4_000_000L, 1, 1, 1, null),
                table("dead", 2_000_000, 5_000, 5_000, null, 1, 1, 1, null),
                table("few_dead", 2_000_000, 999, 1, null, 1, 1, 1, null),
                table("append_only", 100, 0, 2_000_000, null, 2_000_000, 0, 0, "created_at"),
                table("append_only_small", 100, 0, 10, null, 10, 0, 0, "created_at"),
                table("append_only_no_stamp", 100, 0, 2_000_000, null, 2_000_000, 0, 0, null));
        List<Finding> f = Findings.rank(s, Optional.empty(), new Findings.Settings(1_000_000), POSTGRES);
        assertThat(f).extracting(x -> x.kind() + " " + x.table()).containsExactly(
                "BLOAT app.very_bloated", "DEAD_TUPLES app.dead", "BLOAT app.bloated", "RETENTION app.append_only");
        assertThat(f.get(1).reclaimableBytes()).isEqualTo(1_000_000);
        assertThat(f.get(3).suggestion()).contains("table: app.append_only",
                "where: \"created_at < now() - interval '365 days'\"");
    }

    @Test
    void noWritesOnlyWhenTheCountersAndTheirStartAreUnchanged() {
        Snapshot s = snapshot(table("same", 1, 0, 1, null, 5, 1, 0, null), table("written", 1, 0, 1, null, 6, 1, 0, null),
                new TableStats("app", "reset", false, null, 1, 0, 0, 1, null, 1, 0, null, null, null, null, 5, 1, 0,
                        RESET.plusSeconds(60), null, null));
        SavedAudit saved = new SavedAudit(4, Instant.parse("2026-05-01T00:00:00Z"), List.of(
                new SavedTable("app", "same", 1, 1, 5, 1, 0, RESET), new SavedTable("app", "written", 1, 1, 5, 1, 0, RESET),
                new SavedTable("app", "reset", 1, 1, 5, 1, 0, RESET)));
        assertThat(Findings.unwrittenSince(s, saved)).extracting(TableStats::table).containsExactly("same");
        assertThat(Findings.rank(s, Optional.of(saved), new Findings.Settings(1_000_000), POSTGRES))
                .extracting(x -> x.kind() + " " + x.table() + " " + x.detail().startsWith("no inserts, updates or"
                        + " deletes since saved audit 4")).containsExactly("NO_WRITES app.same true");
    }
}
