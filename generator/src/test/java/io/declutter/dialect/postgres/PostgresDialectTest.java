package io.declutter.dialect.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Identifier quoting: bare only when PostgreSQL would read the name back unchanged. */
class PostgresDialectTest {

    private final PostgresDialect dialect = new PostgresDialect();

    @ParameterizedTest
    @ValueSource(strings = {"users", "order_lines", "_tmp", "t1", "a$b", "name", "type", "value", "data", "id"})
    void plainLowerCaseNamesStayBare(String identifier) {
        assertThat(dialect.quote(identifier)).isEqualTo(identifier);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "Users|\"Users\"",
            "orderLines|\"orderLines\"",
            "ALL_CAPS|\"ALL_CAPS\"",
            "order lines|\"order lines\"",
            "1abc|\"1abc\"",
            "a-b|\"a-b\"",
            "$x|\"$x\"",
            "café|\"café\"",
            "日本|\"日本\""})
    void otherNamesAreQuoted(String identifier, String quoted) {
        assertThat(dialect.quote(identifier)).isEqualTo(quoted);
    }

    @Test
    void embeddedDoubleQuoteIsDoubled() {
        assertThat(dialect.quote("say\"hi")).isEqualTo("\"say\"\"hi\"");
        assertThat(dialect.quote("\"")).isEqualTo("\"\"\"\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"select", "user", "order", "table", "from", "group", "limit", "between"})
    void reservedAndNonUnreservedKeywordsAreQuoted(String keyword) {
        assertThat(dialect.quote(keyword)).isEqualTo("\"" + keyword + "\"");
    }

    @Test
    void qualifyQuotesEachPartAsNeeded() {
        assertThat(dialect.qualify("app", "user")).isEqualTo("app.\"user\"");
        assertThat(dialect.qualify("Sales", "orders")).isEqualTo("\"Sales\".orders");
    }

    @Test
    void columnListQuotesAndPrefixesEachColumn() {
        assertThat(dialect.columnList(List.of("id", "order", "Name"), "c")).isEqualTo("c.id, c.\"order\", c.\"Name\"");
        assertThat(dialect.columnList(List.of("id", "order"), "")).isEqualTo("id, \"order\"");
    }

    @Test
    void identifiersAreAtMostSixtyThreeBytes() {
        assertThat(dialect.maxIdentifierBytes()).isEqualTo(63);
    }

    @Test
    void servesPostgresqlJdbcUrlsOnly() {
        assertThat(dialect.name()).isEqualTo("postgres");
        assertThat(dialect.accepts("jdbc:postgresql://localhost:5432/app")).isTrue();
        assertThat(dialect.accepts("jdbc:oracle:thin:@localhost:1521/XE")).isFalse();
    }
}
