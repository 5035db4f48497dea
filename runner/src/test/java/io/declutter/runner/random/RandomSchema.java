package io.declutter.runner.random;

import io.declutter.model.Finding;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A random schema and its data, entirely determined by a seed: a root table plus 3 to 12 tables in their own
 * PostgreSQL schema {@code r<n>}, every one reachable from the root through foreign keys, and rows that respect
 * them. What it may contain:
 *
 * <ul>
 *   <li>a random FK DAG from the root: chains several levels deep, diamonds (a table under two parents), several
 *       foreign keys between the same two tables, nullable foreign keys (some rows NULL, composite ones sometimes
 *       half NULL, which MATCH SIMPLE leaves unchecked);</li>
 *   <li>keys: integer, text or composite primary keys; foreign keys to a UNIQUE key that is not the primary key;</li>
 *   <li>self-references (trees several levels deep), the root's included: through nullable columns, or through
 *       NOT NULL ones (the trees' roots point at themselves);</li>
 *   <li>cycles across 2 or 3 tables (or more, through diamonds), closed by a foreign key from a table back to one of
 *       its descendants: a nullable one, or a NOT NULL DEFERRABLE one (INITIALLY DEFERRED or IMMEDIATE) in a cycle
 *       of NOT NULL keys, which only deferring breaks (now and then every key of such a cycle is deferrable);</li>
 *   <li>ON DELETE SET NULL / SET DEFAULT foreign keys, not followed by the purge: their rows stay and are reset;</li>
 *   <li>partitioned tables (purged through the partitioned table), HASH or RANGE; foreign keys referencing one
 *       partition of a RANGE partitioned table, or declared on one partition only (binding only its rows);</li>
 *   <li>SET NULL / SET DEFAULT keys onto NOT NULL columns (plan refuses the job), or onto columns a CHECK needs (a
 *       guard column: the run refuses before its first delete when a reset row would fail it);</li>
 *   <li>a side table filled by an AFTER INSERT trigger (and bumped by an AFTER UPDATE one) of a closure table, with
 *       a unique key on the source's key: a rollback must not fire them;</li>
 *   <li>key columns with their own sequence: MINVALUE above or among the ids (never called), descending, MAXVALUE
 *       at the highest id, CYCLE, called; serial columns: a rollback moves sequences forward only;</li>
 *   <li>identity columns (GENERATED ALWAYS and BY DEFAULT, keys and not), generated stored columns, payload columns
 *       of many types (text with quotes/backslashes/unicode/line breaks, numeric, jsonb, bytea, arrays, NULLs);</li>
 *   <li>ON DELETE CASCADE / RESTRICT / NO ACTION, DEFERRABLE (INITIALLY DEFERRED) foreign keys;</li>
 *   <li>odd identifiers everywhere (tables, columns, constraints, partitions; see {@link Names}), always quoted,
 *       including a table next to one named like its backup's index ({@code t} and {@code t_seq});</li>
 *   <li>data: most rows stay with the "tenant" (root row) of their first parent, some reference rows of other
 *       tenants, so the closure of the selected roots reaches into rows of roots that are not selected;
 *       the predicate selects none, some or all root rows.</li>
 * </ul>
 *
 * <p>Features the product does not support yet are {@link Unsupported} switches, off unless asked for.
 */
final class RandomSchema {

    enum Identity { NONE, ALWAYS, BY_DEFAULT }

    /** A column; {@code generated} is the expression of a generated stored column. */
    static final class Column {
        final String name;
        final String type;
        boolean nullable;
        Identity identity = Identity.NONE;
        String generated;
        /** How payload values are made: text, int, numeric, ts, json, bool, bytea, intarr, date; null for keys/FKs. */
        String payload;
        boolean key;
        /** An own sequence (CREATE SEQUENCE ... OWNED BY, DEFAULT nextval): its name and flavor; see addSequence. */
        String sequenceName;
        String sequenceOptions;
        /** {@code setval} arguments after the data (value, is_called), or null: the sequence is never called. */
        String sequenceSetval;
        /** Type written as {@code serial} (a sequence OWNED BY the column with a DEFAULT nextval). */
        boolean serial;
        String defaultExpression;
        /** A boolean column a CHECK needs when this foreign key's (SET NULL / SET DEFAULT) first column is null. */
        ForeignKey guards;

        Column(String name, String type, boolean nullable) {
            this.name = name;
            this.type = type;
            this.nullable = nullable;
        }

        boolean insertable() {
            return generated == null;
        }
    }

    /** A table; rows hold SQL literals (or null) by column name. */
    static final class Table {
        final int index;
        final String name;
        final List<Column> columns = new ArrayList<>();
        List<String> primaryKey = List.of();
        final List<List<String>> uniqueKeys = new ArrayList<>();
        final List<Map<String, String>> rows = new ArrayList<>();
        final List<Integer> tenants = new ArrayList<>();
        /** Hash partitioning: the column (part of every unique key) and the partitions' names; null when plain. */
        String partitionKey;
        final List<String> partitions = new ArrayList<>();
        /** RANGE partitioning instead of HASH: the bounds between the partitions (partitions.size() - 1 of them). */
        final List<Integer> rangeBounds = new ArrayList<>();
        /** CHECK constraint expressions. */
        final List<String> checks = new ArrayList<>();
        /** A side table whose rows an AFTER INSERT trigger of {@link #derivedFrom} makes (none in {@link #rows}). */
        Table derivedFrom;
        /** The side table this table's AFTER INSERT trigger derives a row into for every new row. */
        Table derives;
        /** Row-level security enabled and forced, with a policy hiding every row. */
        boolean rowSecurity;
        /** An AFTER DELETE trigger writes each deleted row's key into this table outside the closure, or null. */
        String outbox;
        /** No primary or unique key (a leaf); some of its rows are duplicated. */
        boolean keyless;
        /** An AFTER UPDATE trigger bumps the derived row's counter (it must not fire when a rollback writes). */
        boolean updateTrigger;
        /** Integer key values are row number * step + offset. */
        int keyStep = 1;
        int keyOffset;

        Table(int index, String name) {
            this.index = index;
            this.name = name;
        }

        Column column(String name) {
            return columns.stream().filter(c -> c.name.equals(name)).findFirst().orElseThrow();
        }

        Column add(Column c) {
            columns.add(c);
            return c;
        }

        boolean hasIdentity(Identity kind) {
            return columns.stream().anyMatch(c -> c.identity == kind);
        }

        /** The partition a row lies in (RANGE partitioned tables only). */
        String partitionOf(Map<String, String> row) {
            long a = Long.parseLong(row.get(partitionKey));
            for (int i = 0; i < rangeBounds.size(); i++) {
                if (a < rangeBounds.get(i)) {
                    return partitions.get(i);
                }
            }
            return partitions.get(partitions.size() - 1);
        }
    }

    /** A foreign key; {@code name} null lets PostgreSQL name it. */
    static final class ForeignKey {
        final String name;
        final Table child;
        final List<String> childColumns;
        final Table parent;
        final List<String> parentColumns;
        String kind;
        String onDelete = "NO ACTION";
        boolean deferrable;
        boolean initiallyDeferred;
        /** Declared on this partition of the child only (RANGE partitioned child), or null. */
        String childPartition;
        /** References this partition of the parent (RANGE partitioned parent), or null. */
        String parentPartition;

        ForeignKey(String name, Table child, List<String> childColumns, Table parent, List<String> parentColumns,
                   String kind) {
            this.name = name;
            this.child = child;
            this.childColumns = childColumns;
            this.parent = parent;
            this.parentColumns = parentColumns;
            this.kind = kind;
        }

        boolean nullable() {
            return childColumns.stream().allMatch(c -> child.column(c).nullable);
        }

        boolean selfReference() {
            return child == parent;
        }

        /** Whether a purge follows the key (deletes the rows referencing purged rows): all but SET NULL / DEFAULT. */
        boolean followed() {
            return !onDelete.equals("SET NULL") && !onDelete.equals("SET DEFAULT");
        }
    }

    final long seed;
    final String schema;
    final List<Table> tables = new ArrayList<>();
    final List<ForeignKey> foreignKeys = new ArrayList<>();
    final Set<Unsupported> unsupported;
    final Set<String> features = new LinkedHashSet<>();
    String predicate;
    /** The root table's flag column, which the predicate tests (orphan and duplicate cases key on it too). */
    Column rootFlag;
    int selectedRoots;
    /** The job disables the outbox trigger ({@code triggers: {disable: [outbox]}}) instead of keeping it. */
    boolean outboxDisabled;
    /** The plan ERROR a shape the product knows but refuses gets (SET NULL onto NOT NULL), or null. */
    Finding.Kind refusal;

    private final Random rnd;
    private final Names tableNames;
    private final Names constraintNames;
    private final Map<Table, Names> columnNames = new TreeMap<>((a, b) -> Integer.compare(a.index, b.index));
    /** Rows reference rows inserted after them (NOT NULL back edges): the data is loaded with constraints deferred. */
    private boolean deferredData;
    /** Back-edge values, set after every row is in (UPDATE statements). */
    private final List<String> updates = new ArrayList<>();

    private RandomSchema(long seed, int number, Set<Unsupported> switches) {
        this.seed = seed;
        this.schema = "r" + number;
        this.rnd = new Random(seed);
        this.tableNames = new Names(rnd);
        this.constraintNames = new Names(rnd);
        this.unsupported = switches.isEmpty() ? EnumSet.noneOf(Unsupported.class) : EnumSet.copyOf(switches);
    }

    /**
     * @param number   names the schema ({@code r<number>})
     * @param switches unsupported features to put in (each once)
     */
    static RandomSchema generate(long seed, int number, Set<Unsupported> switches) {
        RandomSchema s = new RandomSchema(seed, number, switches);
        s.build();
        return s;
    }

    /** The plan ERROR the product answers this schema with today, if any. */
    Optional<Finding.Kind> expectedRefusal() {
        if (refusal != null) {
            return Optional.of(refusal);
        }
        return unsupported.stream().map(Unsupported::refusal).flatMap(Optional::stream).findFirst();
    }

    Table root() {
        return tables.get(0);
    }

    /** {@code schema.table} as the product and the oracle write it (unquoted). */
    String display(Table t) {
        return schema + "." + t.name;
    }

    String qualified(Table t) {
        return Names.quote(schema) + "." + Names.quote(t.name);
    }

    // ------------------------------------------------------------------------------------------------ structure

    private void build() {
        int others = 3 + rnd.nextInt(10);
        Table root = newTable(0);
        addRootFlag(root);
        addPayload(root);
        maybeSelfReference(root, 20);
        for (int i = 1; i <= others; i++) {
            Table t = newTable(i);
            addForwardKeys(t);
            addPayload(t);
            maybeSelfReference(t, 25);
        }
        if (rnd.nextInt(100) < 30) {
            // ON DELETE SET NULL / SET DEFAULT edges: not followed; the rows stay with the columns reset
            for (int i = 0, n = 1 + rnd.nextInt(2); i < n; i++) {
                Table child = tables.get(1 + rnd.nextInt(tables.size() - 1));
                boolean setNull = rnd.nextBoolean();
                // now and then onto NOT NULL columns (SET DEFAULT: no default, so NULL): the database would refuse
                // the reset like a RESTRICT edge; plan refuses the job (docs/design.md#set-null-and-set-default)
                boolean notNull = rnd.nextInt(100) < 6;
                ForeignKey fk = addForeignKey(child, tables.get(rnd.nextInt(child.index)), !notNull,
                        setNull ? "set null" : "set default");
                fk.onDelete = setNull ? "SET NULL" : "SET DEFAULT";
                if (notNull) {
                    refusal = Finding.Kind.RESET_REFUSED;
                    features.add("refused: " + fk.onDelete.toLowerCase() + " onto not null");
                } else if (rnd.nextInt(100) < 35) {
                    // a CHECK that needs the column (or the guard): the run refuses before its first delete when a
                    // row it would reset fails it, runs normally otherwise
                    Column g = child.add(new Column(columnNames(child).next("ok"), "boolean", false));
                    g.payload = "guard";
                    g.guards = fk;
                    child.checks.add(Names.quote(fk.childColumns.get(0)) + " IS NOT NULL OR " + Names.quote(g.name));
                    features.add("check on a reset column");
                }
            }
        }
        int backEdges = rnd.nextInt(100) < 35 ? 1 + (rnd.nextInt(4) == 0 ? 1 : 0) : 0;
        for (int i = 0; i < backEdges; i++) {
            int kind = rnd.nextInt(100);
            if (kind < 60) {
                addBackEdge(true, false, null);
            } else {
                // NOT NULL all round: only deferring the back edge (or, sometimes, any edge of the cycle) breaks it
                addBackEdge(false, true, null, kind < 80);
            }
        }
        if (!unsupported.contains(Unsupported.NOT_NULL_TREE_IN_CYCLE)) {
            keepNotNullTreesOutOfCycles();
        }
        for (Unsupported u : unsupported) {
            inject(u);
        }
        if (rnd.nextInt(100) < 10) {
            addOutbox();
        }
        if (rnd.nextInt(100) < 10) {
            addKeylessLeaf();
        }
        if (rnd.nextInt(100) < 6) {
            // row-level security hiding every row: the suite purges as a superuser, which bypasses it, so the purge
            // runs as usual (plan's ROW_SECURITY finding is for roles whose rows are filtered: RunHazardsPlanTest)
            tables.get(rnd.nextInt(tables.size())).rowSecurity = true;
            features.add("row level security (bypassed by a superuser)");
        }
        if (rnd.nextInt(100) < 20) {
            addDerivingTrigger();
        }
        if (expectedRefusal().isEmpty()) {
            fillData();
        }
        tables.forEach(t -> t.columns.stream().filter(c -> c.sequenceName != null).forEach(c -> resolveSequence(t, c)));
        foreignKeys.forEach(fk -> {
            features.add("fk:" + fk.kind);
            if (!fk.onDelete.equals("NO ACTION")) {
                features.add("on delete " + fk.onDelete.toLowerCase());
            }
            if (fk.deferrable) {
                features.add(fk.initiallyDeferred ? "deferrable initially deferred" : "deferrable");
            }
            if (fk.childColumns.size() > 1) {
                features.add("composite fk");
            }
            if (!fk.parentColumns.equals(fk.parent.primaryKey)) {
                features.add("fk to unique key");
            }
            if (fk.parentPartition != null) {
                features.add("fk references a partition");
            }
            if (fk.childPartition != null) {
                features.add("fk declared on a partition only");
            }
        });
        tables.forEach(t -> t.columns.forEach(c -> {
            if (c.identity != Identity.NONE) {
                features.add("identity " + c.identity.name().toLowerCase().replace('_', ' ') + (c.key ? " key" : ""));
            }
            if (c.generated != null) {
                features.add("generated column");
            }
            if (c.sequenceName != null) {
                features.add("sequence " + c.sequenceOptions.replaceAll("[-0-9]+", "n").replace(" OWNED", "")
                        .toLowerCase() + (c.sequenceSetval == null ? " (never called)" : ""));
            }
            if (c.serial) {
                features.add("serial column");
            }
        }));
        if (tables.stream().anyMatch(t -> t.primaryKey.size() > 1)) {
            features.add("composite key");
        }
        unsupported.forEach(u -> features.add("unsupported:" + u.tag()));
    }

    private Names columnNames(Table t) {
        return columnNames.computeIfAbsent(t, k -> new Names(rnd));
    }

    private Table newTable(int index) {
        String name = index > 1 && rnd.nextInt(100) < 3 ? tableNames.sibling(tables.get(rnd.nextInt(index)).name, false)
                : null;
        if (name != null) {
            features.add("name:table and table_seq");
        } else {
            name = tableNames.next(index == 0 ? "root" : "t" + index);
            features.add("name:" + tableNames.lastStyle().name().toLowerCase());
        }
        Table t = new Table(index, name);
        tables.add(t);
        Names cols = columnNames(t);
        int kind = rnd.nextInt(100);
        if (kind < 55) {
            Column id = t.add(new Column(cols.next("id"), rnd.nextBoolean() ? "bigint" : "integer", false));
            id.key = true;
            int identity = rnd.nextInt(10);
            id.identity = identity < 3 ? Identity.ALWAYS : identity < 5 ? Identity.BY_DEFAULT : Identity.NONE;
            t.primaryKey = List.of(id.name);
            t.keyStep = 1 + rnd.nextInt(3);
            t.keyOffset = rnd.nextInt(5) == 0 ? -50 + rnd.nextInt(40) : rnd.nextInt(100);
            if (id.identity == Identity.NONE && rnd.nextInt(100) < 35) {
                id.sequenceName = tableNames.next("seq");
                id.sequenceOptions = String.valueOf(rnd.nextInt(5)); // the flavor, made concrete with the data
            }
        } else if (kind < 75) {
            Column k = t.add(new Column(cols.next("code"), "text", false));
            k.key = true;
            t.primaryKey = List.of(k.name);
        } else {
            Column a = t.add(new Column(cols.next("a"), rnd.nextBoolean() ? "integer" : "bigint", false));
            Column b = t.add(new Column(cols.next("b"), rnd.nextBoolean() ? "text" : "integer", false));
            a.key = true;
            b.key = true;
            t.primaryKey = rnd.nextBoolean() ? List.of(a.name, b.name) : List.of(b.name, a.name);
            if (rnd.nextInt(100) < 30) {
                // hash-partitioned on a key column: purged through the partitioned table
                t.partitionKey = a.name;
                int n = 2 + rnd.nextInt(2);
                for (int i = 0; i < n; i++) {
                    t.partitions.add(tableNames.next("part"));
                }
                features.add("partitioned table");
                if (rnd.nextBoolean()) {
                    // RANGE on a (values 1 to 16): the generator knows each row's partition, so foreign keys can
                    // reference a partition, or be declared on one only
                    int bound = 1;
                    for (int i = 1; i < n; i++) {
                        bound += 1 + rnd.nextInt(5);
                        t.rangeBounds.add(bound);
                    }
                    features.add("range partitioned table");
                }
            }
        }
        if (t.partitionKey == null && rnd.nextInt(100) < 30) {
            Column u = t.add(new Column(cols.next("uk"), "text", false));
            u.key = true;
            if (rnd.nextInt(3) == 0) {
                Column u2 = t.add(new Column(cols.next("uk2"), "integer", false));
                u2.key = true;
                t.uniqueKeys.add(List.of(u.name, u2.name));
            } else {
                t.uniqueKeys.add(List.of(u.name));
            }
        }
        return t;
    }

    private void addRootFlag(Table root) {
        Names cols = columnNames(root);
        int kind = rnd.nextInt(3);
        // The product refuses a predicate with a control character (invisible in review) or a body delimiter of its
        // generated procedures (Planning): the flag's name, which the predicate quotes, holds neither.
        String name;
        do {
            name = cols.next(kind == 0 ? "purge" : kind == 1 ? "status" : "score");
        } while (name.chars().anyMatch(ch -> Character.isISOControl(ch) && ch != '\n' && ch != '\t')
                || List.of("$proc$", "$fn$", "$do$", "$declutter$").stream().anyMatch(name::contains));
        Column flag = root.add(new Column(name, kind == 0 ? "boolean" : kind == 1 ? "text" : "integer", true));
        flag.payload = "flag" + kind;
        rootFlag = flag;
        String f = Names.quote(flag.name);
        predicate = switch (kind) {
            case 0 -> rnd.nextBoolean() ? f : f + " IS TRUE";
            case 1 -> rnd.nextBoolean() ? f + " = 'closed'" : f + " IN ('closed', 'gone')";
            default -> rnd.nextBoolean() ? f + " >= 100" : f + " BETWEEN 100 AND 1000";
        };
    }

    private void addPayload(Table t) {
        Names cols = columnNames(t);
        int n = rnd.nextInt(4);
        List<String> kinds = List.of("text", "int", "numeric", "ts", "json", "bool", "bytea", "intarr", "date");
        for (int i = 0; i < n; i++) {
            String kind = kinds.get(rnd.nextInt(kinds.size()));
            String type = switch (kind) {
                case "text" -> "text";
                case "int" -> "integer";
                case "numeric" -> "numeric(12,2)";
                case "ts" -> "timestamptz";
                case "json" -> "jsonb";
                case "bool" -> "boolean";
                case "bytea" -> "bytea";
                case "intarr" -> "integer[]";
                default -> "date";
            };
            Column c = t.add(new Column(cols.next("p"), type, rnd.nextInt(3) > 0));
            c.payload = kind;
        }
        // A second identity column only in tables without one: PostgreSQL names both sequences when it analyses the
        // CREATE TABLE, so two long column names that truncate alike would clash (a PostgreSQL limit, not ours).
        if (rnd.nextInt(100) < 20 && !t.hasIdentity(Identity.ALWAYS) && !t.hasIdentity(Identity.BY_DEFAULT)
                && t.partitionKey == null) {
            Column id = t.add(new Column(cols.next("serial"), "bigint", false));
            id.identity = rnd.nextBoolean() ? Identity.ALWAYS : Identity.BY_DEFAULT;
        }
        if (rnd.nextInt(100) < 25) {
            Column src = t.columns.stream().filter(c -> "text".equals(c.payload) || "int".equals(c.payload))
                    .findFirst().orElseGet(() -> {
                        Column c = t.add(new Column(cols.next("p"), "text", true));
                        c.payload = "text";
                        return c;
                    });
            boolean text = src.payload.equals("text");
            Column g = t.add(new Column(cols.next("gen"), text ? "integer" : "bigint", true));
            g.generated = text ? "length(" + Names.quote(src.name) + ")" : "(" + Names.quote(src.name) + "::bigint * 2 + 1)";
        }
    }

    /** Referenced key of a parent: its primary key, or sometimes one of its unique keys. */
    private List<String> referencedKey(Table parent) {
        if (!parent.uniqueKeys.isEmpty() && (parent.primaryKey.isEmpty() || rnd.nextInt(3) == 0)) {
            return parent.uniqueKeys.get(rnd.nextInt(parent.uniqueKeys.size()));
        }
        return parent.primaryKey;
    }

    private ForeignKey addForeignKey(Table child, Table parent, boolean nullable, String kind) {
        List<String> referenced = referencedKey(parent);
        Names cols = columnNames(child);
        List<String> childCols = new ArrayList<>();
        for (String pc : referenced) {
            Column c = child.add(new Column(cols.next(pc.length() > 20 ? "ref" : "ref_" + pc.replaceAll("\\W", "")),
                    parent.column(pc).type, nullable));
            childCols.add(c.name);
        }
        String name = rnd.nextInt(10) < 4 ? null : constraintNames.next("fk");
        ForeignKey fk = new ForeignKey(name, child, childCols, parent, referenced, kind);
        int action = rnd.nextInt(100);
        fk.onDelete = action < 15 ? "CASCADE" : action < 25 ? "RESTRICT" : "NO ACTION";
        if (!fk.onDelete.equals("RESTRICT") && rnd.nextInt(100) < 10) {
            fk.deferrable = true;
            fk.initiallyDeferred = rnd.nextBoolean();
        }
        if (child != parent && !kind.startsWith("cycle")) {
            if (!parent.rangeBounds.isEmpty() && rnd.nextInt(100) < 45) {
                fk.parentPartition = parent.partitions.get(rnd.nextInt(parent.partitions.size()));
            }
            if (!child.rangeBounds.isEmpty() && rnd.nextInt(100) < 35) {
                fk.childPartition = child.partitions.get(rnd.nextInt(child.partitions.size()));
            }
        }
        foreignKeys.add(fk);
        return fk;
    }

    private void addForwardKeys(Table t) {
        int i = t.index;
        Table first = tables.get(rnd.nextBoolean() ? Math.max(0, i - 1 - rnd.nextInt(3)) : rnd.nextInt(i));
        addForeignKey(t, first, rnd.nextInt(4) == 0, "tree");
        if (i >= 2 && rnd.nextInt(100) < 40) {
            Table other;
            do {
                other = tables.get(rnd.nextInt(i));
            } while (other == first);
            addForeignKey(t, other, rnd.nextInt(3) == 0, "diamond");
        }
        if (rnd.nextInt(100) < 15) {
            addForeignKey(t, first, rnd.nextBoolean(), "same pair");
        }
    }

    private void addSelfReference(Table t, boolean nullable) {
        addForeignKey(t, t, nullable, nullable ? "self" : "self not null");
    }

    /**
     * A tree in the table, with probability {@code percent}%: most through a nullable self-reference, some through
     * a NOT NULL one (the tree's roots then point at themselves; deleted children first).
     */
    private void maybeSelfReference(Table t, int percent) {
        int r = rnd.nextInt(100);
        if (r < percent) {
            addSelfReference(t, true);
        } else if (r < percent + 7) {
            addSelfReference(t, false);
        }
    }

    /**
     * A table inside a cycle with other tables (a strongly connected component of the followed edges, however it
     * came about: diamonds make every table between the ends of a back edge part of its cycle) cannot also be a tree
     * through a NOT NULL self-reference (refused by plan): such self-references become nullable.
     */
    private void keepNotNullTreesOutOfCycles() {
        Map<Table, Set<Table>> reach = new java.util.HashMap<>();
        for (Table t : tables) {
            Set<Table> seen = new java.util.HashSet<>();
            java.util.Deque<Table> todo = new java.util.ArrayDeque<>(List.of(t));
            while (!todo.isEmpty()) {
                Table x = todo.pop();
                for (ForeignKey fk : foreignKeys) {
                    if (fk.parent == x && !fk.selfReference() && fk.followed() && seen.add(fk.child)) {
                        todo.push(fk.child);
                    }
                }
            }
            reach.put(t, seen);
        }
        for (ForeignKey fk : foreignKeys) {
            Table t = fk.child;
            if (fk.selfReference() && !fk.nullable() && reach.get(t).contains(t)) {
                fk.childColumns.forEach(c -> t.column(c).nullable = true);
                fk.kind = "self";
            }
        }
    }

    private boolean notNullTree(Table t) {
        return foreignKeys.stream().anyMatch(f -> f.child == t && f.selfReference() && !f.nullable());
    }

    /**
     * A foreign key from a table back to one of its descendants one or two forward edges below it, closing a cycle
     * of 2 or 3 tables. Supported when nullable; otherwise every forward key of the cycle is made NOT NULL too (and
     * deferrable when asked) so that nothing can break it.
     */
    private boolean addBackEdge(boolean nullable, boolean deferrable, Table through) {
        return addBackEdge(nullable, deferrable, through, false);
    }

    /**
     * @param backOnly with {@code deferrable}: only the back edge is made DEFERRABLE (INITIALLY DEFERRED or not), the
     *                 forward keys of the cycle keep what they had; else every key of the cycle is DEFERRABLE
     *                 INITIALLY DEFERRED
     */
    private boolean addBackEdge(boolean nullable, boolean deferrable, Table through, boolean backOnly) {
        List<List<ForeignKey>> paths = new ArrayList<>();
        for (ForeignKey f : foreignKeys) {
            if (f.selfReference() || !f.kind.equals("tree") && !f.kind.equals("diamond") && !f.kind.equals("same pair")) {
                continue;
            }
            paths.add(List.of(f));
            for (ForeignKey g : foreignKeys) {
                if (g.child == f.parent && !g.selfReference() && g.parent != f.child
                        && (g.kind.equals("tree") || g.kind.equals("diamond") || g.kind.equals("same pair"))) {
                    paths.add(List.of(f, g));
                }
            }
        }
        // A tree through a NOT NULL self-reference is supported alone, not inside a cycle with other tables:
        // cycles keep away from such tables, unless one is asked for (a refusal is then expected).
        if (through == null) {
            paths.removeIf(path -> path.stream().anyMatch(f -> notNullTree(f.child) || notNullTree(f.parent)));
        } else {
            paths.removeIf(path -> path.stream().noneMatch(f -> f.child == through || f.parent == through));
        }
        if (paths.isEmpty()) {
            return false;
        }
        List<ForeignKey> path = paths.get(rnd.nextInt(paths.size()));
        Table descendant = path.get(0).child;
        Table ancestor = path.get(path.size() - 1).parent;
        ForeignKey back = addForeignKey(ancestor, descendant, nullable, "cycle " + (path.size() + 1));
        if (!nullable) {
            for (ForeignKey f : path) {
                f.childColumns.forEach(c -> f.child.column(c).nullable = false);
            }
            for (ForeignKey f : List.copyOf(foreignKeys)) {
                if (backOnly && f == back) {
                    f.deferrable = true;
                    f.initiallyDeferred = rnd.nextBoolean();
                    f.onDelete = "NO ACTION";
                } else if (!backOnly && (path.contains(f) || f == back)) {
                    f.deferrable = deferrable;
                    f.initiallyDeferred = deferrable;
                    if (deferrable && (f == back || !f.onDelete.equals("CASCADE"))) {
                        f.onDelete = "NO ACTION";
                    }
                }
            }
            if (deferrable) {
                features.add("deferred cycle " + (path.size() + 1) + (backOnly ? "" : " (all deferrable)"));
            }
        }
        return true;
    }

    /**
     * A side table filled by an AFTER INSERT trigger of a table (one row per row, a unique key on the source's key, ON
     * DELETE CASCADE back to it), as search data or counters are kept; sometimes also an AFTER UPDATE trigger bumping
     * the side row's counter. A purge deletes the side rows with their source (the cascade edge); a rollback must
     * restore exactly the backed-up rows: the triggers must not fire while it writes (docs/design.md#rollback).
     */
    private void addDerivingTrigger() {
        List<Table> candidates = tables.stream().filter(t -> t.partitionKey == null && t.derivedFrom == null
                && t.derives == null && !t.keyless).toList();
        Table x = candidates.get(rnd.nextInt(candidates.size()));
        Table side = new Table(tables.size(), tableNames.next("derived"));
        tables.add(side);
        Names cols = columnNames(side);
        Column id = side.add(new Column(cols.next("id"), "integer", false));
        if (rnd.nextBoolean()) {
            id.serial = true;
        } else {
            id.identity = Identity.BY_DEFAULT;
        }
        side.primaryKey = List.of(id.name);
        List<String> src = new ArrayList<>();
        for (String k : x.primaryKey) {
            src.add(side.add(new Column(cols.next("src"), x.column(k).type, false)).name);
        }
        side.uniqueKeys.add(src);
        Column n = side.add(new Column(cols.next("n"), "integer", false));
        n.defaultExpression = "0";
        ForeignKey fk = new ForeignKey(rnd.nextBoolean() ? null : constraintNames.next("fk"), side, src, x,
                x.primaryKey, "derived");
        fk.onDelete = "CASCADE";
        foreignKeys.add(fk);
        side.derivedFrom = x;
        x.derives = side;
        x.updateTrigger = rnd.nextBoolean()
                && foreignKeys.stream().noneMatch(f -> f.child == x && !f.followed());
        features.add("deriving insert trigger");
        if (x.updateTrigger) {
            features.add("deriving update trigger");
        }
    }

    private void inject(Unsupported u) {
        switch (u) {
            case NOT_NULL_CYCLE -> addBackEdge(false, false, null);
            case NOT_NULL_TREE_IN_CYCLE -> {
                Table t = tables.get(1 + rnd.nextInt(tables.size() - 1));
                if (!notNullTree(t)) {
                    addSelfReference(t, false);
                }
                addBackEdge(true, false, t);
            }
            case BOOKKEEPING_COLUMN -> {
                Table t = tables.get(rnd.nextInt(tables.size()));
                String name = columnNames(t).sibling(null, true);
                if (name == null) {
                    name = columnNames(t).sibling(null, true);
                }
                Column c = t.add(new Column(name != null ? name : "declutter_run", "integer", true));
                c.payload = "int";
            }
        }
    }

    /** Whether {@code t} reaches itself through foreign keys (child to parent) other than self-references. */
    private boolean inCycle(Table t) {
        java.util.Deque<Table> todo = new java.util.ArrayDeque<>(List.of(t));
        Set<Table> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            Table x = todo.pop();
            for (ForeignKey f : foreignKeys) {
                if (f.child == x && !f.selfReference()) {
                    if (f.parent == t) {
                        return true;
                    }
                    if (seen.add(f.parent)) {
                        todo.push(f.parent);
                    }
                }
            }
        }
        return false;
    }

    /**
     * An AFTER DELETE trigger on a closure table writing each deleted row's key into an "outbox" table outside the
     * closure, as outbox and deleted-records queues do. The case keeps it (verify reports what it wrote, rollback
     * leaves the outbox) or has the job disable it (the outbox stays as it was): docs/design.md#triggers.
     */
    private void addOutbox() {
        List<Table> candidates = tables.stream().filter(t -> !t.primaryKey.isEmpty()).toList();
        Table t = candidates.get(rnd.nextInt(candidates.size()));
        t.outbox = tableNames.next("outbox");
        outboxDisabled = rnd.nextBoolean();
        features.add(outboxDisabled ? "delete trigger writing outside the closure, disabled by the job"
                : "delete trigger writing outside the closure, kept");
    }

    /**
     * A leaf table without a primary or unique key (GPS points, log rows), referencing a random table; its rows come in
     * identical pairs now and then. The purge deletes exactly the closure's copies by row identity and restores them
     * (docs/design.md#tables-without-a-key); the oracle knows such rows by their text and occurrence.
     */
    private void addKeylessLeaf() {
        // not under a table of a cycle: a deferred cycle unit gathers its rows by key, and plan refuses a keyless
        // child of one (KeylessTablesTest has that refusal)
        List<Table> parents = tables.stream().filter(p -> !inCycle(p)).toList();
        if (parents.isEmpty()) {
            return;
        }
        Table parent = parents.get(rnd.nextInt(parents.size()));
        Table t = new Table(tables.size(), tableNames.next("nokey"));
        tables.add(t);
        addForeignKey(t, parent, rnd.nextBoolean(), "tree");
        addPayload(t);
        t.keyless = true;
        features.add("table without a key");
    }

    /**
     * The sequence of a key column, one of five flavors (issue shapes from real schemas): MINVALUE/START above the
     * highest id or among the ids, never called; descending; ascending with MAXVALUE at or just above the highest id
     * (a rollback cannot move it past restored ids); called, ahead of the ids; CYCLE. A rollback moves a sequence
     * only forward, within its bounds, and must never fail on one (docs/design.md#rollback).
     */
    private void resolveSequence(Table t, Column c) {
        long max = t.rows.stream().mapToLong(r -> Long.parseLong(r.get(c.name))).max().orElse(0);
        long min = t.rows.stream().mapToLong(r -> Long.parseLong(r.get(c.name))).min().orElse(0);
        switch (Integer.parseInt(c.sequenceOptions)) {
            case 0 -> {
                boolean among = rnd.nextBoolean() && max > min && max > 1;
                long m = among ? Math.max(1, min + 1 + rnd.nextInt((int) (max - min)))
                        : Math.max(1, max) + 1 + rnd.nextInt(1000);
                features.add(among ? "sequence minvalue among the ids" : "sequence minvalue above the ids");
                c.sequenceOptions = "START " + m + " MINVALUE " + m;
            }
            case 1 -> {
                long top = Math.min(min, 0) - 1 - rnd.nextInt(100);
                c.sequenceOptions = "INCREMENT BY -1 MAXVALUE " + top + " START " + top;
                c.sequenceSetval = rnd.nextBoolean() ? null : (top - rnd.nextInt(50)) + ", true";
            }
            case 2 -> {
                long m = Math.max(2, max) + rnd.nextInt(3);
                c.sequenceOptions = "MINVALUE 1 MAXVALUE " + m;
                c.sequenceSetval = Math.max(1, m - rnd.nextInt(3)) + ", true";
            }
            case 3 -> {
                c.sequenceOptions = "MINVALUE 1";
                c.sequenceSetval = (Math.max(1, max) + rnd.nextInt(20)) + ", " + rnd.nextBoolean();
            }
            default -> {
                long m = Math.max(1, max) + 1 + rnd.nextInt(30);
                c.sequenceOptions = "MINVALUE 1 MAXVALUE " + m + " CYCLE";
                c.sequenceSetval = (1 + rnd.nextInt((int) m)) + ", true";
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------- DDL

    /** CREATE SCHEMA, the tables, then the foreign keys (so cycles need no ordering). */
    String ddl() {
        StringBuilder sql = new StringBuilder("CREATE SCHEMA ").append(Names.quote(schema)).append(";\n");
        for (Table t : tables) {
            sql.append("CREATE TABLE ").append(qualified(t)).append(" (\n");
            List<String> parts = new ArrayList<>();
            for (Column c : t.columns) {
                StringBuilder col = new StringBuilder("    ").append(Names.quote(c.name)).append(' ')
                        .append(c.serial ? "serial" : c.type);
                if (c.defaultExpression != null) {
                    col.append(" DEFAULT ").append(c.defaultExpression);
                }
                if (c.identity != Identity.NONE) {
                    col.append(" GENERATED ").append(c.identity == Identity.ALWAYS ? "ALWAYS" : "BY DEFAULT")
                            .append(" AS IDENTITY");
                }
                if (c.generated != null) {
                    col.append(" GENERATED ALWAYS AS (").append(c.generated).append(") STORED");
                }
                if (!c.nullable) {
                    col.append(" NOT NULL");
                }
                parts.add(col.toString());
            }
            if (!t.primaryKey.isEmpty()) {
                parts.add("    PRIMARY KEY (" + quotedList(t.primaryKey) + ")");
            }
            for (List<String> uk : t.uniqueKeys) {
                parts.add("    UNIQUE (" + quotedList(uk) + ")");
            }
            for (String check : t.checks) {
                parts.add("    CHECK (" + check + ")");
            }
            sql.append(String.join(",\n", parts)).append("\n)");
            if (t.partitionKey != null) {
                sql.append(" PARTITION BY ").append(t.rangeBounds.isEmpty() ? "HASH" : "RANGE").append(" (")
                        .append(Names.quote(t.partitionKey)).append(")");
            }
            sql.append(";\n");
            for (int i = 0; i < t.partitions.size(); i++) {
                sql.append("CREATE TABLE ").append(Names.quote(schema)).append('.').append(Names.quote(t.partitions.get(i)))
                        .append(" PARTITION OF ").append(qualified(t));
                if (t.rangeBounds.isEmpty()) {
                    sql.append(" FOR VALUES WITH (MODULUS ").append(t.partitions.size()).append(", REMAINDER ")
                            .append(i).append(");\n");
                } else {
                    sql.append(" FOR VALUES FROM (").append(i == 0 ? "MINVALUE" : t.rangeBounds.get(i - 1))
                            .append(") TO (").append(i == t.rangeBounds.size() ? "MAXVALUE" : t.rangeBounds.get(i))
                            .append(");\n");
                }
            }
            for (Column c : t.columns) {
                if (c.sequenceName != null) {
                    String seq = Names.quote(schema) + "." + Names.quote(c.sequenceName);
                    sql.append("CREATE SEQUENCE ").append(seq).append(' ').append(c.sequenceOptions)
                            .append(" OWNED BY ").append(qualified(t)).append('.').append(Names.quote(c.name))
                            .append(";\nALTER TABLE ").append(qualified(t)).append(" ALTER COLUMN ")
                            .append(Names.quote(c.name)).append(" SET DEFAULT nextval(").append(Names.literal(seq))
                            .append("::regclass);\n");
                }
            }
        }
        for (ForeignKey fk : foreignKeys) {
            String child = fk.childPartition == null ? qualified(fk.child)
                    : Names.quote(schema) + "." + Names.quote(fk.childPartition);
            sql.append("ALTER TABLE ").append(child).append(" ADD ");
            if (fk.name != null) {
                sql.append("CONSTRAINT ").append(Names.quote(fk.name)).append(' ');
            }
            sql.append("FOREIGN KEY (").append(quotedList(fk.childColumns)).append(") REFERENCES ")
                    .append(fk.parentPartition == null ? qualified(fk.parent)
                            : Names.quote(schema) + "." + Names.quote(fk.parentPartition)).append(" (").append(quotedList(fk.parentColumns)).append(")")
                    .append(" ON DELETE ").append(fk.onDelete);
            if (fk.deferrable) {
                sql.append(" DEFERRABLE INITIALLY ").append(fk.initiallyDeferred ? "DEFERRED" : "IMMEDIATE");
            }
            sql.append(";\n");
            // Most foreign keys get an index, as a DBA would add; some are left without (plan reports them).
            if (rnd.nextInt(4) > 0) {
                sql.append("CREATE INDEX ON ").append(child).append(" (")
                        .append(quotedList(fk.childColumns)).append(");\n");
            }
        }
        for (Table x : tables) {
            if (x.rowSecurity) {
                sql.append("ALTER TABLE ").append(qualified(x)).append(" ENABLE ROW LEVEL SECURITY;\nALTER TABLE ")
                        .append(qualified(x)).append(" FORCE ROW LEVEL SECURITY;\nCREATE POLICY hide_all ON ")
                        .append(qualified(x)).append(" USING (false);\n");
            }
            if (x.outbox != null) {
                String fn = Names.quote(schema) + "." + Names.quote("outbox_" + x.index);
                sql.append("CREATE TABLE ").append(outbox(x)).append(" (id bigserial PRIMARY KEY, src text NOT NULL);\n")
                        .append("CREATE FUNCTION ").append(fn).append("() RETURNS trigger LANGUAGE plpgsql AS $rtrg$\n")
                        .append("BEGIN\n    INSERT INTO ").append(outbox(x)).append(" (src) VALUES (ROW(")
                        .append(x.primaryKey.stream().map(k -> "OLD." + Names.quote(k)).collect(Collectors.joining(", ")))
                        .append(")::text);\n    RETURN NULL;\nEND\n$rtrg$;\n")
                        .append("CREATE TRIGGER outbox AFTER DELETE ON ").append(qualified(x))
                        .append(" FOR EACH ROW EXECUTE FUNCTION ").append(fn).append("();\n");
            }
        }
        for (Table x : tables) {
            if (x.derives == null) {
                continue;
            }
            Table side = x.derives;
            List<String> src = side.uniqueKeys.get(0);
            String values = x.primaryKey.stream().map(k -> "NEW." + Names.quote(k)).collect(Collectors.joining(", "));
            String fn = Names.quote(schema) + "." + Names.quote("derive_ins_" + x.index);
            sql.append("CREATE FUNCTION ").append(fn).append("() RETURNS trigger LANGUAGE plpgsql AS $rtrg$\nBEGIN\n")
                    .append("    INSERT INTO ").append(qualified(side)).append(" (").append(quotedList(src))
                    .append(") VALUES (").append(values).append(");\n    RETURN NULL;\nEND\n$rtrg$;\n")
                    .append("CREATE TRIGGER derive_ins AFTER INSERT ON ").append(qualified(x))
                    .append(" FOR EACH ROW EXECUTE FUNCTION ").append(fn).append("();\n");
            if (x.updateTrigger) {
                String n = Names.quote(side.columns.get(side.columns.size() - 1).name);
                String upd = Names.quote(schema) + "." + Names.quote("derive_upd_" + x.index);
                sql.append("CREATE FUNCTION ").append(upd).append("() RETURNS trigger LANGUAGE plpgsql AS $rtrg$\nBEGIN\n")
                        .append("    UPDATE ").append(qualified(side)).append(" SET ").append(n).append(" = ").append(n)
                        .append(" + 1 WHERE (").append(quotedList(src)).append(") = (")
                        .append(x.primaryKey.stream().map(k -> "OLD." + Names.quote(k)).collect(Collectors.joining(", ")))
                        .append(");\n    RETURN NULL;\nEND\n$rtrg$;\n")
                        .append("CREATE TRIGGER derive_upd AFTER UPDATE ON ").append(qualified(x))
                        .append(" FOR EACH ROW EXECUTE FUNCTION ").append(upd).append("();\n");
            }
        }
        return sql.toString();
    }

    /** The outbox table of {@code t}'s DELETE trigger, quoted. */
    String outbox(Table t) {
        return Names.quote(schema) + "." + Names.quote(t.outbox);
    }

    static String quotedList(List<String> names) {
        return names.stream().map(Names::quote).collect(Collectors.joining(", "));
    }

    // ------------------------------------------------------------------------------------------------------ data

    private void fillData() {
        Table root = root();
        int roots = 4 + rnd.nextInt(17);
        int mode = rnd.nextInt(100);
        double selectRate = mode < 6 ? 0 : mode < 12 ? 1 : mode < 40 ? 0.2 : 0.4;
        if (selectRate == 0) {
            features.add("nothing selected");
        } else if (selectRate == 1) {
            features.add("every root selected");
        }
        Column flag = root.columns.stream().filter(c -> c.payload != null && c.payload.startsWith("flag"))
                .findFirst().orElseThrow();
        for (int r = 0; r < roots; r++) {
            Map<String, String> row = newRow(root, r);
            boolean selected = rnd.nextDouble() < selectRate;
            if (selected) {
                selectedRoots++;
            }
            row.put(flag.name, switch (flag.payload) {
                case "flag0" -> selected ? "true" : rnd.nextInt(4) == 0 ? null : "false";
                case "flag1" -> selected ? "'closed'" : rnd.nextInt(4) == 0 ? null
                        : rnd.nextBoolean() ? "'active'" : "'Closed'";
                default -> selected ? String.valueOf(100 + rnd.nextInt(50)) : rnd.nextInt(4) == 0 ? null
                        : String.valueOf(rnd.nextInt(100));
            });
            root.rows.add(row);
            root.tenants.add(r);
        }
        fillForeignKeys(root);
        for (Table t : tables.subList(1, tables.size())) {
            if (t.derivedFrom != null) {
                continue; // its rows come from the trigger
            }
            int n = rnd.nextInt(100) < 6 ? 0 : 2 + rnd.nextInt(rnd.nextBoolean() ? 12 : 45);
            for (int r = 0; r < n; r++) {
                Map<String, String> row = newRow(t, r);
                t.rows.add(row);
                t.tenants.add(-1);
            }
            fillForeignKeys(t);
            if (t.keyless && !t.rows.isEmpty()) {
                // identical rows: the purge must delete and restore each copy (a multiset, not a set)
                for (int i = 0, d = 1 + rnd.nextInt(3); i < d; i++) {
                    int r = rnd.nextInt(t.rows.size());
                    t.rows.add(new java.util.HashMap<>(t.rows.get(r)));
                    t.tenants.add(t.tenants.get(r));
                }
                features.add("identical rows in a table without a key");
            }
            for (Column g : t.columns) {
                if (g.guards != null) {
                    // the CHECK holds: a row whose reset column is null needs the guard; others have it now and then
                    for (Map<String, String> row : t.rows) {
                        row.put(g.name, row.get(g.guards.childColumns.get(0)) != null && rnd.nextInt(100) < 25
                                ? "false" : "true");
                    }
                }
            }
            if (n == 0) {
                features.add("empty table");
            }
        }
        // Back edges last: every row exists by now. A NOT NULL one (DEFERRABLE) gets its values in the INSERT, which
        // runs with the constraints deferred (see data()); without rows to point at, it becomes nullable.
        for (ForeignKey fk : foreignKeys) {
            if (fk.kind.startsWith("cycle") && !fk.nullable()) {
                Table t = fk.child;
                if (fk.parent.rows.isEmpty()) {
                    fk.childColumns.forEach(c -> t.column(c).nullable = true);
                    features.add("deferred cycle left nullable (no rows)");
                    continue;
                }
                for (int r = 0; r < t.rows.size(); r++) {
                    List<String> values = pick(fk, t.tenants.get(r), 80);
                    for (int i = 0; i < fk.childColumns.size(); i++) {
                        t.rows.get(r).put(fk.childColumns.get(i), values.get(i));
                    }
                }
                deferredData = true;
            } else if (fk.kind.startsWith("cycle")) {
                Table t = fk.child;
                for (int r = 0; r < t.rows.size(); r++) {
                    if (rnd.nextInt(100) < 55) {
                        List<String> values = pick(fk, t.tenants.get(r), 80);
                        if (values != null) {
                            StringBuilder set = new StringBuilder();
                            for (int i = 0; i < fk.childColumns.size(); i++) {
                                set.append(i == 0 ? "" : ", ").append(Names.quote(fk.childColumns.get(i)))
                                        .append(" = ").append(values.get(i));
                            }
                            updates.add("UPDATE " + qualified(t) + " SET " + set + " WHERE " + keyCondition(t, r) + ";");
                        }
                    }
                }
            }
        }
    }

    /** A row with its key, unique-key and payload values (foreign keys later). */
    private Map<String, String> newRow(Table t, int r) {
        Map<String, String> row = new java.util.HashMap<>();
        for (Column c : t.columns) {
            if (c.generated != null) {
                continue;
            }
            if (c.key) {
                row.put(c.name, keyValue(t, c, r));
            } else if (c.identity != Identity.NONE) {
                row.put(c.name, String.valueOf(1000 + r * 3));
            } else if (c.payload != null && !c.payload.startsWith("flag")) {
                row.put(c.name, c.nullable && rnd.nextInt(5) == 0 ? null : payload(c.payload));
            }
        }
        return row;
    }

    private String keyValue(Table t, Column c, int r) {
        if (c.type.equals("text")) {
            String[] odd = {"", " o'k", "-ü", " \\x", "\"q\"", " 表", "%", "\t"};
            String prefix = t.primaryKey.contains(c.name) ? "k" : "u";
            return Names.literal(prefix + r + odd[Math.floorMod(r * 7 + t.index, odd.length)]);
        }
        if (t.primaryKey.size() > 1 && t.primaryKey.contains(c.name)) {
            // composite (a, b): a repeats, b tells the rows apart
            boolean first = c.name.equals(t.columns.get(0).name);
            return String.valueOf(first ? r / 3 + 1 : r % 3 + 7);
        }
        if (!t.primaryKey.contains(c.name)) {
            return String.valueOf(r % 2 + 1); // second column of a composite unique key
        }
        return String.valueOf((long) r * t.keyStep + t.keyOffset);
    }

    private String payload(String kind) {
        return switch (kind) {
            case "text" -> Names.literal(List.of("plain", "O'Brien", "back\\slash", "naïve café", "日本語", "line\nbreak",
                    "tab\there", "%s %I", "$$ $proc$", "NULL", "", "🚀", "semi;colon -- not a comment")
                    .get(rnd.nextInt(13)));
            case "int" -> String.valueOf(rnd.nextInt(2000) - 1000);
            case "numeric" -> (rnd.nextInt(200000) - 100000) / 100 + "." + (10 + rnd.nextInt(90));
            case "ts" -> "'2020-0" + (1 + rnd.nextInt(9)) + "-1" + rnd.nextInt(10) + " 1" + rnd.nextInt(10)
                    + ":3" + rnd.nextInt(10) + ":00+0" + rnd.nextInt(9) + "'";
            case "json" -> "'{\"k\": " + rnd.nextInt(100) + ", \"s\": \"it''s\", \"a\": [1, null]}'";
            case "bool" -> rnd.nextBoolean() ? "true" : "false";
            case "guard" -> "true";
            case "bytea" -> "'\\x" + String.format("%06x", rnd.nextInt(0xffffff)) + "'";
            case "intarr" -> "'{" + rnd.nextInt(9) + "," + rnd.nextInt(9) + ",NULL}'";
            default -> "'2021-1" + rnd.nextInt(3) + "-0" + (1 + rnd.nextInt(9)) + "'";
        };
    }

    /** Foreign key values of every row of {@code t} (forward keys and self-references). */
    private void fillForeignKeys(Table t) {
        List<ForeignKey> fks = foreignKeys.stream().filter(fk -> fk.child == t && !fk.kind.startsWith("cycle")).toList();
        List<Integer> dead = new ArrayList<>();
        for (int r = 0; r < t.rows.size(); r++) {
            Map<String, String> row = t.rows.get(r);
            boolean firstParent = true;
            for (ForeignKey fk : fks) {
                List<String> values;
                if (fk.selfReference() && !fk.nullable()) {
                    // a NOT NULL tree: its roots point at themselves
                    values = r == 0 || rnd.nextInt(100) < 30 ? fk.parentColumns.stream().map(row::get).toList()
                            : selfParent(t, r, fk);
                    features.add("tree through a NOT NULL self-reference");
                } else if (fk.selfReference()) {
                    values = r == 0 || rnd.nextInt(100) < 35 ? null : selfParent(t, r, fk);
                } else if (fk.nullable() && rnd.nextInt(100) < 20) {
                    values = null;
                } else {
                    int tenant = t.tenants.get(r);
                    values = pick(fk, tenant, firstParent ? 0 : 75);
                    if (values != null && t.tenants.get(r) < 0) {
                        t.tenants.set(r, lastPickedTenant);
                    }
                }
                if (values == null && !fk.nullable()) {
                    dead.add(r);
                    break;
                }
                for (int i = 0; i < fk.childColumns.size(); i++) {
                    String v = values == null ? null : values.get(i);
                    if (values != null && fk.childColumns.size() > 1 && fk.nullable() && rnd.nextInt(100) < 6) {
                        v = i == 0 ? null : v; // half NULL: MATCH SIMPLE does not check it, the closure ignores it
                        features.add("half-null composite fk");
                    }
                    row.put(fk.childColumns.get(i), v);
                }
                if (!fk.selfReference()) {
                    firstParent = false;
                }
            }
            if (t.tenants.get(r) < 0) {
                t.tenants.set(r, rnd.nextInt(Math.max(1, root().rows.size())));
            }
        }
        for (int i = dead.size() - 1; i >= 0; i--) {
            t.rows.remove((int) dead.get(i));
            t.tenants.remove((int) dead.get(i));
        }
        // Rows removed above may have been self-parents of later rows: re-point those to NULL.
        if (!dead.isEmpty()) {
            for (ForeignKey fk : fks) {
                if (fk.selfReference()) {
                    Set<List<String>> keys = new java.util.HashSet<>();
                    t.rows.forEach(row -> keys.add(fk.parentColumns.stream().map(row::get).toList()));
                    for (Map<String, String> row : t.rows) {
                        List<String> v = fk.childColumns.stream().map(row::get).toList();
                        if (!v.contains(null) && !keys.contains(v)) {
                            for (int i = 0; i < fk.childColumns.size(); i++) {
                                row.put(fk.childColumns.get(i), fk.nullable() ? null : row.get(fk.parentColumns.get(i)));
                            }
                        }
                    }
                }
            }
        }
    }

    private int lastPickedTenant;

    /**
     * Referenced values ({@code fk}'s parent columns) of a row of its parent: of the given tenant with probability
     * {@code sameTenant}% (when it has rows there), else of any row; null when the parent has no rows.
     */
    private List<String> pick(ForeignKey fk, int tenant, int sameTenant) {
        Table parent = fk.parent;
        // a key referencing a partition: only that partition's rows
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < parent.rows.size(); i++) {
            if (fk.parentPartition == null || parent.partitionOf(parent.rows.get(i)).equals(fk.parentPartition)) {
                candidates.add(i);
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        List<Integer> own = new ArrayList<>();
        if (tenant >= 0 && rnd.nextInt(100) < sameTenant) {
            for (int i : candidates) {
                if (parent.tenants.get(i) == tenant) {
                    own.add(i);
                }
            }
        }
        int r = own.isEmpty() ? candidates.get(rnd.nextInt(candidates.size())) : own.get(rnd.nextInt(own.size()));
        lastPickedTenant = parent.tenants.get(r);
        Map<String, String> row = parent.rows.get(r);
        return fk.parentColumns.stream().map(row::get).toList();
    }

    private List<String> selfParent(Table t, int r, ForeignKey fk) {
        // a recent row of the same table: chains (trees several levels deep) rather than stars
        int from = Math.max(0, r - 1 - rnd.nextInt(Math.min(r, 4)));
        Map<String, String> parent = t.rows.get(from);
        features.add("tree");
        return fk.parentColumns.stream().map(parent::get).toList();
    }

    private String keyCondition(Table t, int r) {
        List<String> key = t.primaryKey;
        return key.stream().map(k -> Names.quote(k) + " = " + t.rows.get(r).get(k)).collect(Collectors.joining(" AND "));
    }

    /** INSERTs of every row (parents before children), then the back-edge UPDATEs, then identity sequences. */
    String data() {
        StringBuilder sql = new StringBuilder(deferredData ? "SET CONSTRAINTS ALL DEFERRED;\n" : "");
        for (Table t : tables) {
            if (t.rows.isEmpty()) {
                continue;
            }
            List<Column> cols = t.columns.stream().filter(Column::insertable).toList();
            sql.append("INSERT INTO ").append(qualified(t)).append(" (")
                    .append(cols.stream().map(c -> Names.quote(c.name)).collect(Collectors.joining(", ")))
                    .append(")");
            if (t.hasIdentity(Identity.ALWAYS)) {
                sql.append(" OVERRIDING SYSTEM VALUE");
            }
            sql.append(" VALUES\n");
            for (int r = 0; r < t.rows.size(); r++) {
                Map<String, String> row = t.rows.get(r);
                sql.append(r == 0 ? "  (" : ",\n  (")
                        .append(cols.stream().map(c -> row.get(c.name) == null ? "NULL" : row.get(c.name))
                                .collect(Collectors.joining(", ")))
                        .append(")");
            }
            sql.append(";\n");
        }
        updates.forEach(u -> sql.append(u).append("\n"));
        for (Table t : tables) {
            for (Column c : t.columns) {
                if (c.sequenceSetval != null) {
                    sql.append("SELECT setval(").append(Names.literal(Names.quote(schema) + "." + Names.quote(c.sequenceName)))
                            .append(", ").append(c.sequenceSetval).append(");\n");
                }
                if (c.identity != Identity.NONE && t.derivedFrom == null) {
                    sql.append("SELECT setval(pg_get_serial_sequence(").append(Names.literal(qualified(t))).append(", ")
                            .append(Names.literal(c.name)).append("), GREATEST(COALESCE((SELECT max(")
                            .append(Names.quote(c.name)).append(") FROM ").append(qualified(t))
                            .append("), 0), 0) + 1, false);\n");
                }
            }
        }

        return sql.toString();
    }

    int rowCount() {
        return tables.stream().mapToInt(t -> t.rows.size()).sum();
    }

    @Override
    public String toString() {
        return "schema " + schema + " (seed " + seed + "): " + tables.size() + " tables, " + foreignKeys.size()
                + " foreign keys, " + rowCount() + " rows, root " + display(root()) + " WHERE " + predicate;
    }
}
