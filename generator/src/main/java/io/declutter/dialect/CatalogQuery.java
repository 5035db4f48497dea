package io.declutter.dialect;

/** The catalog queries every dialect provides, each as a resource file named after it. */
public enum CatalogQuery {
    TABLES, COLUMNS, KEYS, FOREIGN_KEYS, INDEXES, TRIGGERS;

    public String resourceName() {
        return name().toLowerCase(java.util.Locale.ROOT) + ".sql";
    }
}
