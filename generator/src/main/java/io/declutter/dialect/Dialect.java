package io.declutter.dialect;

import io.declutter.model.TableName;

import java.util.List;

/**
 * What differs between databases: catalog SQL (resource files returning the same column aliases),
 * identifier quoting and length, statement terminator and the folder of templates.
 */
public interface Dialect {

    /** Short name used on the command line and as the template folder: {@code postgres}, {@code oracle}. */
    String name();

    /** Whether this dialect serves the given JDBC URL. */
    boolean accepts(String jdbcUrl);

    /** The identifier as SQL must spell it: bare when that is safe, else quoted. */
    String quote(String identifier);

    /** Longest identifier the database accepts, in bytes of UTF-8. */
    int maxIdentifierBytes();

    /** The schema holding the framework tables, backup tables and generated procedures. */
    default String frameworkSchema() {
        return "declutter";
    }

    /**
     * The statement {@code plan --index-ddl} prints for an unindexed foreign key: an index on {@code columns} of
     * {@code table} built without blocking writes to the table, named deterministically from the table and columns
     * within the dialect's naming rules, ending with the statement terminator.
     */
    String createIndexStatement(TableName table, List<String> columns);

    /** Text of a catalog query; every dialect's version returns the same column aliases. */
    String catalogSql(CatalogQuery query);

    /** {@code schema.name}, each part quoted as needed. */
    default String qualify(String schema, String name) {
        return quote(schema) + "." + quote(name);
    }

    default String columnList(List<String> columns, String alias) {
        String prefix = alias.isEmpty() ? "" : alias + ".";
        return String.join(", ", columns.stream().map(c -> prefix + quote(c)).toList());
    }
}
