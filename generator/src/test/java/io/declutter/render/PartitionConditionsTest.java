package io.declutter.render;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionConditionsTest {

    @Test
    void columnsAreQualifiedAndLiteralsTypesAndFunctionsAreLeftAlone() {
        assertThat(PartitionConditions.qualified("((found IS NOT NULL) AND (found >= 5))", "r", List.of("found", "x")))
                .isEqualTo("((r.found IS NOT NULL) AND (r.found >= 5))");
        assertThat(PartitionConditions.qualified("((\"Found Me\" IS NOT NULL) AND (\"Found Me\" = ANY (ARRAY['found'::text,"
                + " 'a''b'::text])))", "r", List.of("Found Me", "text")))
                .isEqualTo("((r.\"Found Me\" IS NOT NULL) AND (r.\"Found Me\" = ANY (ARRAY['found'::text,"
                        + " 'a''b'::text])))");
        assertThat(PartitionConditions.qualified("(lower(name) = 'x'::text) AND (t.name IS NULL)", "r",
                List.of("name", "lower")))
                .isEqualTo("(lower(r.name) = 'x'::text) AND (t.name IS NULL)");
        assertThat(PartitionConditions.qualified("(paid >= '2024-01-01'::date)", "r", List.of("other")))
                .isEqualTo("(paid >= '2024-01-01'::date)");
    }
}
