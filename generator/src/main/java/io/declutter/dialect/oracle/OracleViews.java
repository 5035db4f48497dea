package io.declutter.dialect.oracle;

import java.util.List;

/** What the Oracle templates print beyond the dialect-neutral job view; every name already quoted. */
public final class OracleViews {

    private OracleViews() {
    }

    /**
     * A column of a backup table.
     *
     * @param raw   the name as the catalog spells it (for ALL_TAB_COLS lookups)
     * @param name  quoted as needed
     */
    public record BackupColumn(String raw, String name, String type) {
    }

    /**
     * An identity column of a closure table, restored by rollback.
     *
     * @param column  the name as the catalog spells it
     * @param kind    {@code ALWAYS} or {@code BY DEFAULT}, as at generation time
     */
    public record IdentityColumn(String column, String kind) {
        public boolean always() {
            return kind.equals("ALWAYS");
        }
    }

    /**
     * Oracle facts about a closure table and its backup.
     *
     * @param treeConnect for a tree through a NOT NULL self-reference: {@code (b.fk = PRIOR b.key) OR ...} over its
     *                    self-references, the CONNECT BY condition from a backup row to its children (else empty)
     */
    public record Table(String display, String ownerName, String tableName, String backupName, String backupPk,
                        String backupIndex, String backupIndexName, String backupSeq, String backupSeqName,
                        List<BackupColumn> columns,
                        List<IdentityColumn> identities, List<String> lobColumns, String treeConnect) {

        public Table {
            columns = List.copyOf(columns);
            identities = List.copyOf(identities);
            lobColumns = List.copyOf(lobColumns);
        }

        public boolean hasLob() {
            return !lobColumns.isEmpty();
        }
    }

    /** Oracle facts about the record table of a SET NULL edge. */
    public record Nullify(int edgeId, String backupName, String backupPk) {
    }

    /** A control row, every value an Oracle literal. */
    public record EdgeRow(int id, String parentEdgeId, String constraint, String parentTable, String childTable,
                          String parentColumns, String childColumns, String onDelete, String strategy, int depth,
                          int height, int cycleGroup, int breaksCycle, int primary, String backupTable,
                          String initialStatus) {
    }

    /** One GRANT of grants.sql. */
    public record Grant(String privileges, String table) {
    }
}
