package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.EdgeOverride;
import io.declutter.model.LogicalReference;
import io.declutter.model.Job;
import io.declutter.model.TableName;

/**
 * The naming rules of the target database, given to the {@link PlanBuilder}: how a table name written in a job file
 * resolves against the catalog, how long a generated name may be, and how a generated backup-table name is spelled.
 * The planner applies them while it plans, so every plan already carries the names its dialect deploys. Each dialect
 * supplies its own ({@code Dialect#naming()}); {@link #neutral(int)} is the rule set that changes nothing but the
 * length.
 */
public interface Naming {

    /** Longest identifier the database accepts, in bytes of UTF-8: longer generated names get a hash suffix. */
    int maxIdentifierBytes();

    /** The table a name written in the job file means in this catalog (default: exactly as written). */
    default TableName resolve(TableName written, Catalog catalog) {
        return written;
    }

    /**
     * The spelling of a generated backup-table name.
     *
     * @param neutral the name as {@link BackupNames} made it ({@code bk_<job>_...}, fitted to the length)
     * @param prefix  its {@code bk_<job>_} part
     * @param source  the name it is derived from (a table's schema and name, or a child table's name and its foreign
     *                key's name): its case may decide the spelling
     */
    default String backupTable(String neutral, String prefix, String source) {
        return neutral;
    }

    /**
     * The job with its root, excluded, overridden and logically referencing tables resolved (names the catalog does not hold are left as
     * written).
     */
    default Job resolve(Job job, Catalog catalog) {
        return new Job(job.name(), resolve(job.root(), catalog), job.rows(), job.batchSize(), job.backup(),
                job.excludedTables().stream().map(t -> resolve(t, catalog)).toList(), job.lockTimeout(),
                job.statementTimeout(), job.edgeOverrides().stream()
                        .map(o -> new EdgeOverride(resolve(o.table(), catalog), o.constraint(), o.strategy())).toList(),
                job.disabledTriggers(), job.references().stream()
                        .map(r -> new LogicalReference(r.name(), resolve(r.child(), catalog), r.childColumns(),
                                resolve(r.parent(), catalog), r.parentColumns(), r.action())).toList());
    }

    /** Names as written, generated names only fitted to {@code maxIdentifierBytes}. */
    static Naming neutral(int maxIdentifierBytes) {
        return () -> maxIdentifierBytes;
    }
}
