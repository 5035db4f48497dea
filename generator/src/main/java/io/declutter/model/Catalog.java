package io.declutter.model;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What introspection found: tables and foreign keys, sorted so that everything built from it is deterministic. */
public record Catalog(List<Table> tables, List<ForeignKey> foreignKeys) {

    public Catalog {
        tables = tables.stream().sorted(Comparator.comparing(Table::name)).toList();
        foreignKeys = foreignKeys.stream()
                .sorted(Comparator.comparing(ForeignKey::child).thenComparing(ForeignKey::name))
                .toList();
    }

    public Optional<Table> table(TableName name) {
        return Optional.ofNullable(byName().get(name));
    }

    /** Tables whose name matches ignoring schema, for "did you mean" messages and unqualified lookups. */
    public List<Table> tablesNamed(String name) {
        return tables.stream().filter(t -> t.name().name().equals(name)).toList();
    }

    /** Foreign keys whose parent is the given table: the edges a purge follows from it. */
    public List<ForeignKey> referencing(TableName parent) {
        return foreignKeys.stream().filter(fk -> fk.parent().equals(parent)).toList();
    }

    private Map<TableName, Table> byName() {
        return tables.stream().collect(Collectors.toMap(Table::name, Function.identity()));
    }
}
