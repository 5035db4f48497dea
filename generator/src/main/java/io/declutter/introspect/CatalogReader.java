package io.declutter.introspect;

import io.declutter.dialect.CatalogQuery;
import io.declutter.dialect.Dialect;
import io.declutter.model.Catalog;
import io.declutter.model.CheckConstraint;
import io.declutter.model.Column;
import io.declutter.model.ForeignKey;
import io.declutter.model.Identity;
import io.declutter.model.OnDelete;
import io.declutter.model.Table;
import io.declutter.model.TableAccess;
import io.declutter.model.TableName;
import io.declutter.model.Trigger;
import io.declutter.model.TriggerWrites;
import io.declutter.model.UniqueKey;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the whole user catalog in six set-based queries (tables, columns, keys, foreign keys, indexes,
 * triggers), whatever the number of tables, and assembles the model. The SQL belongs to the dialect;
 * this class only knows the column aliases every dialect returns.
 */
public final class CatalogReader {

    /** Reads the JSON arrays a catalog query aggregates (the CHECK constraints a reset must satisfy). */
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Dialect dialect;

    public CatalogReader(Dialect dialect) {
        this.dialect = dialect;
    }

    public Catalog read(Connection connection) throws SQLException {
        Map<TableName, Long> estimates = new LinkedHashMap<>();
        Map<TableName, Boolean> partitioned = new LinkedHashMap<>();
        Map<TableName, TableAccess> access = new LinkedHashMap<>();
        query(connection, CatalogQuery.TABLES, rs -> {
            TableName t = table(rs, "schema_name", "table_name");
            estimates.put(t, rs.getLong("row_estimate"));
            partitioned.put(t, rs.getBoolean("partitioned"));
            access.put(t, access(rs, t));
        });
        Map<TableName, List<Column>> columns = new LinkedHashMap<>();
        query(connection, CatalogQuery.COLUMNS, rs -> columns.computeIfAbsent(table(rs, "schema_name", "table_name"),
                k -> new ArrayList<>()).add(new Column(rs.getString("column_name"), rs.getInt("position"),
                rs.getString("data_type"), rs.getBoolean("nullable"), Identity.valueOf(rs.getString("identity_kind")),
                rs.getBoolean("generated"), java.util.Optional.ofNullable(optional(rs, "default_value")))));
        Map<TableName, Map<String, KeyDraft>> keys = new LinkedHashMap<>();
        query(connection, CatalogQuery.KEYS, rs -> {
            boolean primary = rs.getBoolean("is_primary");
            keys.computeIfAbsent(table(rs, "schema_name", "table_name"), k -> new LinkedHashMap<>())
                    .computeIfAbsent(rs.getString("key_name"), k -> new KeyDraft(primary))
                    .columns.add(rs.getString("column_name"));
        });
        Map<TableName, Map<String, List<String>>> indexes = new LinkedHashMap<>();
        query(connection, CatalogQuery.INDEXES, rs -> indexes.computeIfAbsent(table(rs, "schema_name", "table_name"),
                        k -> new LinkedHashMap<>())
                .computeIfAbsent(rs.getString("index_name"), k -> new ArrayList<>()).add(rs.getString("column_name")));
        Map<TableName, List<Trigger>> triggers = new LinkedHashMap<>();
        query(connection, CatalogQuery.TRIGGERS, rs -> {
            TableName t = table(rs, "schema_name", "table_name");
            triggers.computeIfAbsent(t, k -> new ArrayList<>()).add(trigger(rs, writes(rs, t, estimates.keySet())));
        });

        List<Table> tables = new ArrayList<>();
        for (TableName t : estimates.keySet()) {
            if (!columns.containsKey(t)) {
                continue; // a table without columns cannot hold rows to purge
            }
            List<UniqueKey> tableKeys = keys.getOrDefault(t, Map.of()).entrySet().stream()
                    .map(e -> new UniqueKey(e.getKey(), e.getValue().columns, e.getValue().primary)).toList();
            tables.add(new Table(t, columns.get(t), tableKeys,
                    List.copyOf(indexes.getOrDefault(t, Map.of()).values()),
                    triggers.getOrDefault(t, List.of()), partitioned.get(t), estimates.get(t), access.get(t)));
        }
        return new Catalog(tables, foreignKeys(connection));
    }

    private List<ForeignKey> foreignKeys(Connection connection) throws SQLException {
        Map<String, FkDraft> drafts = new LinkedHashMap<>();
        query(connection, CatalogQuery.FOREIGN_KEYS, rs -> {
            TableName child = table(rs, "child_schema", "child_table");
            // Constraint names are unique per declaring table: two partitions may each declare one of the same name.
            String key = child.display() + "\u0000" + java.util.Objects.toString(optional(rs, "child_partition_schema"))
                    + "\u0000" + java.util.Objects.toString(optional(rs, "child_partition")) + "\u0000"
                    + rs.getString("constraint_name");
            FkDraft d = drafts.get(key);
            if (d == null) {
                d = new FkDraft(rs, child);
                drafts.put(key, d);
            }
            d.childColumns.add(rs.getString("child_column"));
            d.parentColumns.add(rs.getString("parent_column"));
            // Without the column (catalogs recorded before it), every column of the key is reset.
            if (optional(rs, "reset_column") == null || rs.getBoolean("reset_column")) {
                d.resetColumns.add(rs.getString("child_column"));
            }
        });
        return drafts.values().stream().map(FkDraft::build).toList();
    }

    private void query(Connection connection, CatalogQuery q, RowHandler handler) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(dialect.catalogSql(q))) {
            while (rs.next()) {
                handler.accept(rs);
            }
        }
    }

    /** A column recorded catalogs made before it existed may lack: null when absent. */
    private static String optional(ResultSet rs, String column) {
        try {
            return rs.getString(column);
        } catch (SQLException e) {
            return null;
        }
    }

    /**
     * A trigger row. Catalogs recorded before timing and events were read list only the triggers that fire on DELETE,
     * enabled: so they are read as such, timing and level unknown, fired by rollback (as nothing says otherwise).
     */
    private static Trigger trigger(ResultSet rs, TriggerWrites writes) throws SQLException {
        String events = optional(rs, "events");
        String enabled = optional(rs, "enabled");
        String firesOnRollback = optional(rs, "fires_on_rollback");
        return new Trigger(rs.getString("trigger_name"), Objects.requireNonNullElse(optional(rs, "timing"), ""),
                events == null ? List.of("DELETE") : List.of(events.split(",")),
                Objects.requireNonNullElse(optional(rs, "trigger_level"), ""),
                enabled == null || truthy(enabled), firesOnRollback == null || truthy(firesOnRollback), writes);
    }

    /**
     * The tables a trigger's function writes (FunctionWrites reads its body). An unqualified name is looked up in the
     * schemas of the function's own search_path when it sets one; otherwise it runs with the search_path of the
     * session deleting (declutter's), and the name is looked up in the trigger's table's schema, then public
     * (docs/schema-features.md#triggers). A catalog without the body columns (Oracle, older recordings) says unknown.
     */
    private static TriggerWrites writes(ResultSet rs, TableName table, java.util.Set<TableName> known)
            throws SQLException {
        String language = optional(rs, "function_language");
        if (language == null) {
            return TriggerWrites.unknown("the catalog read does not record trigger bodies");
        }
        FunctionWrites.Result read = FunctionWrites.read(language, optional(rs, "function_body"));
        String searchPath = optional(rs, "search_path");
        List<String> schemas = new ArrayList<>();
        if (searchPath != null) {
            for (String part : searchPath.split(",")) {
                String schema = part.strip();
                schema = schema.startsWith("\"") && schema.endsWith("\"") && schema.length() > 1
                        ? schema.substring(1, schema.length() - 1).replace("\"\"", "\"") : schema;
                if (!schema.isEmpty() && !schema.equals("$user") && !schema.equals("pg_temp")
                        && !schema.equals("pg_catalog")) {
                    schemas.add(schema);
                }
            }
        }
        if (schemas.isEmpty()) {
            schemas.add(table.schema());
            schemas.add("public");
        }
        List<TableName> tables = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        read.unknown().ifPresent(unknown::add);
        for (FunctionWrites.Target target : read.targets()) {
            java.util.Optional<TableName> found = target.schema().map(s -> new TableName(s, target.name()))
                    .filter(known::contains)
                    .or(() -> schemas.stream().map(s -> new TableName(s, target.name())).filter(known::contains)
                            .findFirst());
            if (found.isPresent()) {
                tables.add(found.get());
            } else {
                // a temporary table, one in a schema declutter does not read, or a search_path it cannot know
                unknown.add("it writes " + target.schema().map(s -> s + ".").orElse("") + target.name()
                        + ", a table not found in " + String.join(" or ", target.schema().map(List::of).orElse(schemas)));
            }
        }
        return new TriggerWrites(tables, unknown.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(String.join("; ", unknown)));
    }

    /**
     * Row-level security, DELETE rules, exclusion constraints and privileges of a table, as far as the dialect's
     * tables query reads them; {@link TableAccess#UNKNOWN} when it reads none (Oracle, catalogs recorded before).
     */
    private static TableAccess access(ResultSet rs, TableName t) throws SQLException {
        String rowSecurity = optional(rs, "row_security");
        if (rowSecurity == null) {
            return TableAccess.UNKNOWN;
        }
        String missing = optional(rs, "missing_privileges");
        List<TableAccess.SequenceGrant> sequences = new ArrayList<>();
        String json = optional(rs, "sequence_privileges");
        if (json != null && !json.isBlank()) {
            try {
                for (com.fasterxml.jackson.databind.JsonNode s : JSON.readTree(json)) {
                    List<String> lacking = new ArrayList<>();
                    s.path("missing").forEach(m -> lacking.add(m.asText()));
                    sequences.add(new TableAccess.SequenceGrant(s.path("column").asText(), s.path("sequence").asText(),
                            lacking));
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("table " + t + ": unreadable sequence_privileges: " + e.getMessage(), e);
            }
        }
        return new TableAccess(Objects.requireNonNullElse(optional(rs, "role"), ""),
                Objects.requireNonNullElse(optional(rs, "quoted_name"), t.display()), truthy(rowSecurity), truthy(Objects.requireNonNullElse(
                optional(rs, "rls_bypassed"), "true")), truthy(Objects.requireNonNullElse(
                optional(rs, "force_row_security"), "false")), Objects.requireNonNullElse(optional(rs, "owner"), ""),
                names(rs, "policies", t), missing == null ? java.util.Optional.empty()
                : java.util.Optional.of(missing.isBlank() ? List.of() : List.of(missing.split(","))),
                names(rs, "exclusion_constraints", t), names(rs, "instead_delete_rules", t),
                names(rs, "also_delete_rules", t), sequences);
    }

    /** Names a catalog query aggregates as a JSON array; empty for NULL or a column it does not return. */
    private static List<String> names(ResultSet rs, String column, TableName t) throws SQLException {
        String json = optional(rs, column);
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            List<String> names = new ArrayList<>();
            JSON.readTree(json).forEach(n -> names.add(n.asText()));
            return names;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("table " + t + ": unreadable " + column + ": " + e.getMessage(), e);
        }
    }

    /** A boolean column as PostgreSQL (t, true) or Oracle (1) returns it, or as a recorded catalog holds it. */
    private static boolean truthy(String value) {
        return value.equals("1") || value.equalsIgnoreCase("t") || value.equalsIgnoreCase("true");
    }

    private static TableName table(ResultSet rs, String schemaColumn, String tableColumn) throws SQLException {
        return new TableName(rs.getString(schemaColumn), rs.getString(tableColumn));
    }

    @FunctionalInterface
    private interface RowHandler {
        void accept(ResultSet rs) throws SQLException;
    }

    private static final class KeyDraft {
        final boolean primary;
        final List<String> columns = new ArrayList<>();

        KeyDraft(boolean primary) {
            this.primary = primary;
        }
    }

    private static final class FkDraft {
        final String name;
        final TableName child;
        final TableName parent;
        final OnDelete onDelete;
        final boolean deferrable;
        final boolean initiallyDeferred;
        final java.util.Optional<TableName> parentPartition;
        final java.util.Optional<String> parentCondition;
        final java.util.Optional<TableName> childPartition;
        final java.util.Optional<String> childCondition;
        final List<String> childColumns = new ArrayList<>();
        final List<String> resetColumns = new ArrayList<>();
        final List<CheckConstraint> resetChecks = new ArrayList<>();
        final boolean childPartitionIndexed;
        final ForeignKey.Enforcement enforcement;
        final List<String> parentColumns = new ArrayList<>();

        FkDraft(ResultSet rs, TableName child) throws SQLException {
            this.name = rs.getString("constraint_name");
            this.child = child;
            this.parent = table(rs, "parent_schema", "parent_table");
            this.onDelete = OnDelete.valueOf(rs.getString("on_delete"));
            this.deferrable = rs.getBoolean("deferrable");
            this.initiallyDeferred = rs.getBoolean("initially_deferred");
            String partition = optional(rs, "parent_partition");
            this.parentPartition = partition == null ? java.util.Optional.empty()
                    : java.util.Optional.of(new TableName(rs.getString("parent_partition_schema"), partition));
            // A partition without a constraint (a default partition alone) holds every row of its parent.
            this.parentCondition = java.util.Optional.ofNullable(partition == null ? null
                    : optional(rs, "parent_condition")).filter(c -> !c.isBlank());
            String declaring = optional(rs, "child_partition");
            this.childPartition = declaring == null ? java.util.Optional.empty()
                    : java.util.Optional.of(new TableName(rs.getString("child_partition_schema"), declaring));
            this.childCondition = java.util.Optional.ofNullable(declaring == null ? null
                    : optional(rs, "child_condition")).filter(c -> !c.isBlank());
            this.childPartitionIndexed = optional(rs, "child_partition_indexed") != null
                    && rs.getBoolean("child_partition_indexed");
            // Catalogs recorded before the column: every key enforced.
            this.enforcement = ForeignKey.Enforcement.valueOf(Objects.requireNonNullElse(optional(rs, "enforcement"),
                    "ENFORCED"));
            String checks = optional(rs, "reset_checks");
            if (checks != null && !checks.isBlank()) {
                try {
                    for (com.fasterxml.jackson.databind.JsonNode check : JSON.readTree(checks)) {
                        resetChecks.add(new CheckConstraint(check.path("name").asText(),
                                check.path("expression").asText()));
                    }
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new SQLException("foreign key " + name + ": unreadable reset_checks: " + e.getMessage(), e);
                }
            }
        }

        ForeignKey build() {
            return new ForeignKey(name, child, childColumns, parent, parentColumns, onDelete, deferrable, initiallyDeferred,
                    parentPartition, parentCondition, childPartition, childCondition, resetColumns, resetChecks,
                    childPartitionIndexed, false, enforcement);
        }
    }
}
