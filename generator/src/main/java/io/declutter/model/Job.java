package io.declutter.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A named purge definition (docs/design.md#jobs).
 *
 * @param rows          how the root rows are chosen: a condition, keys given per run, orphans or duplicates
 * @param excludedTables tables the purge never enters; foreign keys from them into the closure are reported as blocking
 * @param edgeOverrides  per-edge strategy overrides (see {@link EdgeOverride})
 * @param disabledTriggers triggers (and rules) on purged tables that the run disables around each delete batch, as
 *                       the job file names them: {@code name}, or {@code schema.table.name} where several purged
 *                       tables have a trigger of that name (docs/design.md#triggers); empty: every trigger is kept
 * @param references     references the database does not enforce, which the purge follows or ignores as declared
 *                       (docs/design.md#logical-references)
 */
public record Job(
        String name,
        TableName root,
        RootRows rows,
        int batchSize,
        boolean backup,
        List<TableName> excludedTables,
        Duration lockTimeout,
        Duration statementTimeout,
        List<EdgeOverride> edgeOverrides,
        List<String> disabledTriggers,
        List<LogicalReference> references) {

    /** A job whose root rows are those a condition selects, or (condition empty) those whose keys each run is given. */
    public Job(String name, TableName root, Optional<String> rootPredicate, int batchSize, boolean backup,
               List<TableName> excludedTables, Duration lockTimeout, Duration statementTimeout,
               List<EdgeOverride> edgeOverrides, List<String> disabledTriggers, List<LogicalReference> references) {
        this(name, root, rootPredicate.<RootRows>map(RootRows.Where::new).orElseGet(RootRows.KeysAtRunTime::new),
                batchSize, backup, excludedTables, lockTimeout, statementTimeout, edgeOverrides, disabledTriggers,
                references);
    }

    /** A job without logical references. */
    public Job(String name, TableName root, Optional<String> rootPredicate, int batchSize, boolean backup,
               List<TableName> excludedTables, Duration lockTimeout, Duration statementTimeout,
               List<EdgeOverride> edgeOverrides, List<String> disabledTriggers) {
        this(name, root, rootPredicate, batchSize, backup, excludedTables, lockTimeout, statementTimeout, edgeOverrides,
                disabledTriggers, List.of());
    }

    /** A job that keeps every trigger. */
    public Job(String name, TableName root, Optional<String> rootPredicate, int batchSize, boolean backup,
               List<TableName> excludedTables, Duration lockTimeout, Duration statementTimeout,
               List<EdgeOverride> edgeOverrides) {
        this(name, root, rootPredicate, batchSize, backup, excludedTables, lockTimeout, statementTimeout, edgeOverrides,
                List.of());
    }

    /** A job without edge overrides. */
    public Job(String name, TableName root, Optional<String> rootPredicate, int batchSize, boolean backup,
               List<TableName> excludedTables, Duration lockTimeout, Duration statementTimeout) {
        this(name, root, rootPredicate, batchSize, backup, excludedTables, lockTimeout, statementTimeout, List.of());
    }

    /** Job names become parts of procedure and table names, so they must be plain lower-case identifiers. */
    public static final Pattern VALID_NAME = Pattern.compile("[a-z][a-z0-9_]{0,29}");

    public Job {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        excludedTables = excludedTables.stream().sorted().toList();
        edgeOverrides = edgeOverrides.stream().sorted(java.util.Comparator.comparing(EdgeOverride::table)
                .thenComparing(EdgeOverride::constraint)).toList();
        disabledTriggers = disabledTriggers.stream().sorted().toList();
        references = references.stream().sorted(java.util.Comparator.comparing(LogicalReference::name)).toList();
        references.stream().collect(java.util.stream.Collectors.groupingBy(LogicalReference::name,
                        java.util.stream.Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 1).map(java.util.Map.Entry::getKey).sorted().findFirst()
                .ifPresent(ref -> {
                    throw new InvalidJobException("job " + name + ": two logical references are named " + ref
                            + "; give each its own 'name'");
                });
        if (!VALID_NAME.matcher(name).matches()) {
            throw new InvalidJobException("job name '" + name + "' is not a valid job name: use 1 to 30 characters,"
                    + " lower-case letters, digits and underscores, starting with a letter (e.g. tenant_purge)");
        }
        if (batchSize < 1) {
            throw new InvalidJobException("job " + name + ": batch size must be at least 1, got " + batchSize);
        }
        if (lockTimeout.isZero() || lockTimeout.isNegative() || statementTimeout.isZero() || statementTimeout.isNegative()) {
            // PostgreSQL reads 0 as "no timeout"; a purge statement must never wait or run without a bound.
            throw new InvalidJobException("job " + name + ": lock and statement timeouts must be greater than 0");
        }
        Optional<String> rootPredicate = rows instanceof RootRows.Where w ? Optional.of(w.predicate()) : Optional.empty();
        if (rootPredicate.isPresent() && rootPredicate.get().isBlank()) {
            throw new InvalidJobException("job " + name + ": root predicate is empty; give a condition"
                    + " such as \"status = 'closed'\" or use keys passed at run time");
        }
        if (rootPredicate.isPresent()) {
            rootPredicate.get().chars().filter(ch -> Character.isISOControl(ch) && ch != '\n' && ch != '\t').findFirst()
                    .ifPresent(ch -> {
                        throw new InvalidJobException("job " + name + ": root predicate contains the control character"
                                + String.format(" U+%04X", ch) + " (a carriage return or similar, invisible in review);"
                                + " write the condition with plain line breaks, and such characters in a string with"
                                + " chr(), e.g. chr(13)");
                    });
        }
        edgeOverrides.stream().collect(java.util.stream.Collectors.groupingBy(EdgeOverride::display,
                        java.util.stream.Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 1).map(java.util.Map.Entry::getKey).sorted().findFirst()
                .ifPresent(edge -> {
                    throw new InvalidJobException("job " + name + ": edge " + edge + " is overridden more than once;"
                            + " keep one entry for it in 'edges'");
                });
        disabledTriggers.stream().filter(t -> t.isBlank()).findFirst().ifPresent(t -> {
            throw new InvalidJobException("job " + name + ": 'triggers.disable' holds an empty name; give trigger"
                    + " names (or schema.table.trigger)");
        });
        List<String> named = disabledTriggers;
        disabledTriggers.stream().filter(t -> java.util.Collections.frequency(named, t) > 1).findFirst()
                .ifPresent(t -> {
                    throw new InvalidJobException("job " + name + ": trigger " + t + " is named more than once in"
                            + " 'triggers.disable'");
                });
        if (excludedTables.contains(root)) {
            throw new InvalidJobException("job " + name + ": the root table " + root + " cannot be excluded");
        }
        if (rows instanceof RootRows.OrphansOf o && o.key().isPresent() && !o.key().get().child().equals(root)) {
            throw new InvalidJobException("job " + name + ": the orphans of " + o.reference() + " are rows of "
                    + o.key().get().child() + ", not of the root table " + root);
        }
    }

    /** The condition of a job whose root rows are chosen by {@code root.where}; empty for every other kind. */
    public Optional<String> rootPredicate() {
        return rows instanceof RootRows.Where w ? Optional.of(w.predicate()) : Optional.empty();
    }

    /** The job with its root rows chosen another way (the plan resolves them against the catalog). */
    public Job withRows(RootRows chosen) {
        return new Job(name, root, chosen, batchSize, backup, excludedTables, lockTimeout, statementTimeout,
                edgeOverrides, disabledTriggers, references);
    }

    /**
     * Whether the job disables this trigger of {@code table}: named alone, or as {@code schema.table.name}.
     */
    public boolean disables(TableName table, String trigger) {
        return disabledTriggers.contains(trigger) || disabledTriggers.contains(table.display() + "." + trigger);
    }

    /** Whether the root rows come from keys given to each run rather than from the database's rows. */
    public boolean keysAtRunTime() {
        return rows instanceof RootRows.KeysAtRunTime;
    }
}
