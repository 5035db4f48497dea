package io.declutter.dialect.oracle;

import io.declutter.model.Catalog;
import io.declutter.model.TableName;
import io.declutter.plan.Naming;

/** Oracle's naming rules as the planner applies them (see {@link OracleNames}). */
record OracleNaming(int maxIdentifierBytes) implements Naming {

    @Override
    public TableName resolve(TableName written, Catalog catalog) {
        return OracleNames.resolve(written, catalog);
    }

    @Override
    public String backupTable(String neutral, String prefix, String source) {
        return OracleNames.backupTable(neutral, prefix, source);
    }
}
