package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.Column;
import io.declutter.model.ForeignKey;
import io.declutter.model.InvalidJobException;
import io.declutter.model.Job;
import io.declutter.model.LogicalReference;
import io.declutter.model.RootRows;
import io.declutter.model.Table;
import io.declutter.model.UniqueKey;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a job's orphan or duplicate root against the catalog before the plan is built: the reference whose
 * orphans are purged (docs/design.md#orphan-roots), the column the kept duplicate is chosen by and the key that
 * breaks ties (docs/design.md#duplicate-roots). Every refusal is bad input: the job file names something the
 * database does not have, or asks for orphans a valid, enforced foreign key cannot have.
 */
final class RootResolution {

    private RootResolution() {
    }

    /**
     * The job with its root rows resolved; unchanged for the other kinds, or when the root table is missing (the
     * plan reports that).
     *
     * @param declared the catalog as read, without the job's logical references
     */
    static Job resolve(Catalog declared, Job job) {
        Optional<Table> root = declared.table(job.root());
        if (root.isEmpty()) {
            return job;
        }
        if (job.rows() instanceof RootRows.OrphansOf o) {
            return job.withRows(new RootRows.OrphansOf(o.reference(), Optional.of(orphanKey(declared, job, o))));
        }
        if (job.rows() instanceof RootRows.DuplicatesOf d) {
            return job.withRows(duplicates(root.get(), job, d));
        }
        return job;
    }

    private static ForeignKey orphanKey(Catalog declared, Job job, RootRows.OrphansOf o) {
        Optional<LogicalReference> ref = job.references().stream()
                .filter(r -> r.name().equals(o.reference()) && r.child().equals(job.root())).findFirst();
        if (ref.isPresent()) {
            return LogicalReferences.toForeignKey(declared, ref.get());
        }
        List<ForeignKey> ofRoot = declared.foreignKeys().stream().filter(k -> k.child().equals(job.root())).toList();
        Optional<ForeignKey> fk = ofRoot.stream().filter(k -> k.name().equals(o.reference())).findFirst();
        if (fk.isEmpty()) {
            List<ForeignKey> alike = ofRoot.stream().filter(k -> k.name().equalsIgnoreCase(o.reference())).toList();
            fk = alike.size() == 1 ? Optional.of(alike.get(0)) : Optional.empty();
        }
        if (fk.isEmpty()) {
            List<String> candidates = ofRoot.stream().filter(ForeignKey::mayHaveOrphans).map(ForeignKey::name)
                    .sorted().toList();
            throw new InvalidJobException("job " + job.name() + ": 'root.orphansOf' names " + o.reference() + ", which"
                    + " is neither a logical reference of the job file nor a foreign key of " + job.root() + " ("
                    + (candidates.isEmpty() ? "none of its foreign keys is NOT VALID or disabled"
                    : "its foreign keys that may have orphans: " + String.join(", ", candidates)) + ")");
        }
        ForeignKey key = fk.get();
        if (!key.mayHaveOrphans()) {
            throw new InvalidJobException("job " + job.name() + ": foreign key " + key.name() + " on " + job.root()
                    + " is valid and enforced, so " + job.root() + " has no orphans of it: the database refuses every"
                    + " row without its parent. Orphans exist only for a logical reference ('references:'), or a"
                    + " foreign key added NOT VALID or whose checks are disabled.");
        }
        return key;
    }

    private static RootRows.DuplicatesOf duplicates(Table table, Job job, RootRows.DuplicatesOf d) {
        UniqueKey key = table.primaryKey().or(() -> table.keys().stream()
                        .filter(k -> k.columns().stream().allMatch(c -> table.column(c).map(col -> !col.nullable())
                                .orElse(false)))
                        .min(Comparator.comparing(UniqueKey::name)))
                .orElseThrow(() -> new InvalidJobException("job " + job.name() + ": " + table.name() + " has no primary"
                        + " key and no unique key on NOT NULL columns, so the row of each group of duplicates that"
                        + " stays, and the order of ties, cannot be told apart. Add a primary key to " + table.name()
                        + " first."));
        RootRows.Keep keep = d.keep();
        if (keep.column().isPresent()) {
            keep = new RootRows.Keep(keep.order(), Optional.of(column(table, job, keep.column().get())));
        }
        return new RootRows.DuplicatesOf(d.key(), keep, key.columns(), d.repoint());
    }

    /** The column as the catalog spells it (matched ignoring case when not exact). */
    private static String column(Table table, Job job, String name) {
        if (table.column(name).isPresent()) {
            return name;
        }
        List<String> alike = table.columns().stream().map(Column::name).filter(c -> c.equalsIgnoreCase(name)).toList();
        if (alike.size() == 1) {
            return alike.get(0);
        }
        throw new InvalidJobException("job " + job.name() + ": 'root.keep' orders by " + name + ", which is not a"
                + " column of " + table.name() + "; its columns are "
                + String.join(", ", table.columns().stream().map(Column::name).toList()));
    }
}
