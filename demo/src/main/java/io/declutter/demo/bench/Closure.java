package io.declutter.demo.bench;

import io.declutter.dialect.Dialects;
import io.declutter.model.Catalog;
import io.declutter.model.ForeignKey;
import io.declutter.model.OnDelete;
import io.declutter.model.Table;
import io.declutter.model.TableName;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The FK graph below the root as the baselines see it, computed here independently of declutter's planner: the
 * tables whose rows a purge deletes (reached through FKs that are not ON DELETE SET NULL / SET DEFAULT), in an
 * order where every table comes after the tables it references (self-references aside).
 */
final class Closure {

    final Catalog catalog;
    final TableName root;
    /** closure tables, parents before children */
    final List<TableName> order;
    /** closure FKs (child and parent in the closure, deleting), by child */
    final Map<TableName, List<ForeignKey>> incoming = new LinkedHashMap<>();

    Closure(Catalog catalog, TableName root) {
        this.catalog = catalog;
        this.root = root;
        Set<TableName> reached = new LinkedHashSet<>();
        Deque<TableName> todo = new ArrayDeque<>(List.of(root));
        reached.add(root);
        while (!todo.isEmpty()) {
            TableName t = todo.poll();
            for (ForeignKey fk : catalog.referencing(t)) {
                if (nulls(fk)) {
                    continue;
                }
                incoming.computeIfAbsent(fk.child(), k -> new ArrayList<>()).add(fk);
                if (reached.add(fk.child())) {
                    todo.add(fk.child());
                }
            }
        }
        List<TableName> sorted = new ArrayList<>();
        Set<TableName> done = new LinkedHashSet<>();
        while (sorted.size() < reached.size()) {
            boolean progress = false;
            for (TableName t : reached) {
                if (done.contains(t)) {
                    continue;
                }
                boolean ready = incoming.getOrDefault(t, List.of()).stream()
                        .allMatch(fk -> fk.selfReference() || done.contains(fk.parent()));
                if (ready) {
                    sorted.add(t);
                    done.add(t);
                    progress = true;
                }
            }
            if (!progress) {
                throw new IllegalStateException("the FK graph below " + root + " has a cycle across tables");
            }
        }
        this.order = List.copyOf(sorted);
    }

    static Catalog read(Connection c) throws SQLException {
        return Dialects.forName("postgres").readCatalog(c);
    }

    static boolean nulls(ForeignKey fk) {
        return fk.onDelete() == OnDelete.SET_NULL || fk.onDelete() == OnDelete.SET_DEFAULT;
    }

    Table table(TableName t) {
        return catalog.table(t).orElseThrow();
    }

    List<String> key(TableName t) {
        return table(t).primaryKey().orElseThrow(() -> new IllegalStateException(t + " has no primary key")).columns();
    }

    static String q(TableName t) {
        return ident(t.schema()) + "." + ident(t.name());
    }

    static String ident(String s) {
        return s.matches("[a-z_][a-z0-9_]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
