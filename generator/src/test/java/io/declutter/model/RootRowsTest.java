package io.declutter.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ways a job chooses its root rows are validated when they are made (docs/design.md#jobs). */
class RootRowsTest {

    @Test
    void keepByAColumnNeedsOneAndKeepByTheKeyTakesNone() {
        assertThat(new RootRows.Keep(RootRows.Keep.Order.NEWEST, Optional.of("created_at")).describe())
                .isEqualTo("newest by created_at");
        assertThat(new RootRows.Keep(RootRows.Keep.Order.LOWEST, Optional.empty()).describe())
                .isEqualTo("lowest by the primary key");
        assertThatThrownBy(() -> new RootRows.Keep(RootRows.Keep.Order.OLDEST, Optional.empty()))
                .isInstanceOf(InvalidJobException.class).hasMessageContaining("'oldest by COLUMN'");
        assertThatThrownBy(() -> new RootRows.Keep(RootRows.Keep.Order.HIGHEST, Optional.of("id")))
                .isInstanceOf(InvalidJobException.class).hasMessageContaining("'highest' (by the primary key)");
    }

    @Test
    void duplicatesNeedAKeyOfExpressionsWithoutControlCharacters() {
        RootRows.Keep keep = new RootRows.Keep(RootRows.Keep.Order.LOWEST, Optional.empty());
        assertThatThrownBy(() -> new RootRows.DuplicatesOf(List.of(), keep))
                .isInstanceOf(InvalidJobException.class).hasMessageContaining("'root.key' is empty");
        assertThatThrownBy(() -> new RootRows.DuplicatesOf(List.of("lower(email)\r"), keep))
                .isInstanceOf(InvalidJobException.class).hasMessageContaining("U+000D");
        assertThat(new RootRows.DuplicatesOf(List.of("lower(email)", "tenant_id"), keep).describe())
                .isEqualTo(": duplicates by lower(email), tenant_id, keeping the lowest by the primary key");
    }

    @Test
    void orphansNameAReference() {
        assertThatThrownBy(() -> new RootRows.OrphansOf(" ")).isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("'root.orphansOf' is empty");
        assertThat(new RootRows.OrphansOf("ref_orders_customer_id").describe())
                .isEqualTo(": orphans of ref_orders_customer_id (rows whose parent row does not exist)");
    }
}
