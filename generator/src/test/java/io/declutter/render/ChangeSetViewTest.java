package io.declutter.render;

import io.declutter.dialect.GeneratedFile;
import io.declutter.dialect.postgres.PostgresDialect;
import io.declutter.model.PurgePlan;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the changelog groups files into changesets (docs/design.md#what-gets-generated). */
class ChangeSetViewTest {

    @Test
    void consecutiveFilesOfOneChangeSetAreOneChangeSetInOrder() {
        List<ChangeSetView> sets = ChangeSetView.of(List.of(file("f/a.sql", "f-a"), file("j/backup_1.sql", "j-table_1"),
                file("j/delete_1.sql", "j-table_1"), file("j/step.sql", "j-step")));
        assertThat(sets).containsExactly(new ChangeSetView("f-a", List.of("f/a.sql")),
                new ChangeSetView("j-table_1", List.of("j/backup_1.sql", "j/delete_1.sql")),
                new ChangeSetView("j-step", List.of("j/step.sql")));
    }

    @Test
    void aChangeSetWhoseFilesAreApartIsRefused() {
        assertThatThrownBy(() -> ChangeSetView.of(List.of(file("a.sql", "x"), file("b.sql", "y"), file("c.sql", "x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("changeset x")
                .hasMessageContaining("c.sql");
        assertThatThrownBy(() -> ChangeSetView.of(List.of(new GeneratedFile("a.sql", "-- a\n", null))))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("a.sql");
    }

    @Test
    void everyPurgedTableIsOneChangeSetWithItsOwnFiles() {
        PostgresDialect dialect = new PostgresDialect();
        PurgePlan plan = GeneratedSizeTest.plan(21, dialect); // SET NULL record tables: the golden files (hard)
        List<GeneratedFile> files = dialect.generate(plan, io.declutter.model.Window.ALWAYS);
        List<GeneratedFile> deployed = files.stream().filter(f -> f.changeSet() != null).toList();
        List<ChangeSetView> sets = ChangeSetView.of(deployed);
        assertThat(sets.stream().mapToInt(s -> s.paths().size()).sum()).isEqualTo(deployed.size());
        List<ChangeSetView> tables = sets.stream().filter(s -> s.id().contains("-table_")).toList();
        assertThat(tables).hasSize(plan.tables().size());
        for (ChangeSetView t : tables) {
            String suffix = t.id().substring(t.id().indexOf("-table_") + "-table_".length());
            assertThat(t.paths()).as(t.id()).first().asString().endsWith("/backup_" + suffix + ".sql");
            assertThat(t.paths()).as(t.id()).last().asString().endsWith("/delete_" + suffix + ".sql");
            assertThat(t.paths()).as(t.id()).allSatisfy(p -> assertThat(p).matches(
                    ".*/(backup_|late_|delete_)" + suffix + "\\.sql|.*/nullify_\\d+_\\w+\\.sql"));
        }
    }

    private static GeneratedFile file(String path, String changeSet) {
        return new GeneratedFile(path, "-- " + path + "\n", changeSet);
    }
}
