package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.Column;
import io.declutter.model.ForeignKey;
import io.declutter.model.InvalidJobException;
import io.declutter.model.Job;
import io.declutter.model.LogicalReference;
import io.declutter.model.OnDelete;
import io.declutter.model.Table;
import io.declutter.model.UniqueKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Adds the job's logical references to a catalog as foreign keys the database does not enforce
 * (docs/design.md#logical-references), after checking each against the catalog: both tables exist, the columns
 * exist, the parent's columns are a unique key (its primary key when none are given), and no declared foreign key has
 * the reference's name on the child table. References the job ignores add nothing (plan reports them); a
 * {@code set null} reference is an ON DELETE SET NULL key, whose columns the purge itself resets
 * (docs/design.md#logical-references).
 */
final class LogicalReferences {

    private LogicalReferences() {
    }

    static Catalog apply(Catalog catalog, Job job) {
        if (job.references().isEmpty()) {
            return catalog;
        }
        List<ForeignKey> keys = new ArrayList<>(catalog.foreignKeys());
        for (LogicalReference r : job.references()) {
            ForeignKey fk = toForeignKey(catalog, r);
            if (catalog.foreignKeys().stream().anyMatch(k -> k.child().equals(fk.child()) && k.name().equals(fk.name()))) {
                throw new InvalidJobException("logical reference " + r.name() + ": " + fk.child() + " already has a"
                        + " foreign key named " + r.name() + "; give the reference another 'name'");
            }
            if (r.action() != LogicalReference.Action.IGNORE) {
                keys.add(fk);
            }
        }
        return new Catalog(catalog.tables(), keys);
    }

    /** The reference as a foreign key of the catalog's spelling (columns matched ignoring case when not exact). */
    static ForeignKey toForeignKey(Catalog catalog, LogicalReference r) {
        Table child = table(catalog, r, r.child(), "child");
        Table parent = table(catalog, r, r.parent(), "parent");
        List<String> childColumns = r.childColumns().stream().map(c -> column(r, child, c)).toList();
        List<String> parentColumns;
        if (r.parentColumns().isEmpty()) {
            parentColumns = parent.primaryKey().map(UniqueKey::columns).orElseThrow(() -> new InvalidJobException(
                    "logical reference " + r.name() + ": " + parent.name() + " has no primary key; name the unique"
                            + " key the reference points at with 'parentColumns'"));
        } else {
            parentColumns = r.parentColumns().stream().map(c -> column(r, parent, c)).toList();
            if (parent.keys().stream().noneMatch(k -> new java.util.HashSet<>(k.columns())
                    .equals(new java.util.HashSet<>(parentColumns)))) {
                throw new InvalidJobException("logical reference " + r.name() + ": " + parentColumns + " is not a"
                        + " primary or unique key of " + parent.name() + "; a reference must point at one row");
            }
        }
        if (parentColumns.size() != childColumns.size()) {
            throw new InvalidJobException("logical reference " + r.name() + ": " + childColumns.size() + " child columns "
                    + childColumns + " but the key of " + parent.name() + " has " + parentColumns.size() + " "
                    + parentColumns + "; pair them one to one");
        }
        OnDelete onDelete = r.action() == LogicalReference.Action.SET_NULL ? OnDelete.SET_NULL : OnDelete.NO_ACTION;
        return new ForeignKey(r.name(), child.name(), childColumns, parent.name(), parentColumns, onDelete,
                false, false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                List.of(), false, true);
    }

    private static Table table(Catalog catalog, LogicalReference r, io.declutter.model.TableName name, String role) {
        return catalog.table(name).orElseThrow(() -> new InvalidJobException("logical reference " + r.name() + ": its "
                + role + " table " + name + " is not in the database (write schema.table as the catalog spells it)"));
    }

    private static String column(LogicalReference r, Table table, String name) {
        if (table.column(name).isPresent()) {
            return name;
        }
        List<String> alike = table.columns().stream().map(Column::name).filter(c -> c.equalsIgnoreCase(name)).toList();
        if (alike.size() == 1) {
            return alike.get(0);
        }
        throw new InvalidJobException("logical reference " + r.name() + ": " + table.name() + " has no column " + name
                + "; its columns are " + String.join(", ", table.columns().stream().map(Column::name).toList()));
    }
}
