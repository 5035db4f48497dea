package io.declutter.config;

import io.declutter.model.Window;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.declutter.model.EdgeOverride;
import io.declutter.model.LogicalReference;
import io.declutter.model.InvalidJobException;
import io.declutter.model.Job;
import io.declutter.model.RootRows;
import io.declutter.model.Strategy;
import io.declutter.model.TableName;
import io.declutter.model.StartWhen;
import io.declutter.model.Throttle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads a job file (YAML). Unknown and repeated keys are errors, so a misspelt or doubled setting is never
 * silently ignored. A setting left empty ({@code lock:}) is taken as not given.
 */
public final class JobFileReader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    static final int DEFAULT_BATCH_SIZE = 5000;

    private JobFileReader() {
    }

    /** A job file of one job (a policy file of one job too); a policy file of several jobs is an error here. */
    public static JobFile read(Path file) {
        PolicyFile policy = readPolicy(file);
        if (policy.jobs().size() > 1) {
            throw new ConfigException(file + " is a policy file of " + policy.jobs().size() + " jobs ("
                    + String.join(", ", policy.names()) + "); name the one to use (docs/policy.md)");
        }
        return policy.jobs().get(0);
    }

    /** A job file (one job) or a policy file (a {@code jobs:} list; docs/policy.md). */
    public static PolicyFile readPolicy(Path file) {
        try {
            PolicyFile policy = parsePolicy(file.toString(), Files.readString(file));
            // A relative archive directory is relative to the job file, wherever the runner is started from.
            Path base = file.toAbsolutePath().getParent();
            return new PolicyFile(policy.source(), policy.jobs().stream()
                    .map(read -> read.backupArchive().filter(a -> !a.isAbsolute() && base != null)
                            .map(a -> new JobFile(read.job(), read.window(), read.database(), read.rehearse(),
                                    read.backupKeep(), Optional.of(base.resolve(a).normalize()),
                                    read.receiptHashKeys(), read.throttle(), read.startWhen(), read.roles(),
                                    read.schedule()))
                            .orElse(read))
                    .toList(), policy.policy());
        } catch (NoSuchFileException e) {
            throw new ConfigException("job file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read job file " + file + ": " + e.getMessage(), e);
        }
    }

    /** A job file of one job, as {@link #read} reads it. */
    public static JobFile parse(String source, String yaml) {
        Raw raw = mapped(source, yaml, Raw.class);
        return jobFile(source, raw, Shared.NONE);
    }

    /**
     * A job file or a policy file (docs/policy.md): a file with a top-level {@code jobs:} list is a policy file, whose
     * {@code database}, {@code window} and {@code throttle} sections are shared by its jobs; a job's own section
     * replaces the file's whole (its settings are not merged). Any other file is a job file of one job.
     */
    public static PolicyFile parsePolicy(String source, String yaml) {
        JsonNode tree = mapped(source, yaml, JsonNode.class);
        if (tree == null || !tree.isObject() || !tree.has("jobs")) {
            return new PolicyFile(source, List.of(parse(source, yaml)), false);
        }
        if (tree.has("job")) {
            throw new ConfigException(source + ": give either 'job' (a job file of one job) or 'jobs' (a policy file:"
                    + " a list of jobs, docs/policy.md), not both");
        }
        RawPolicy raw = mapped(source, yaml, RawPolicy.class);
        if (raw.jobs == null || raw.jobs.isEmpty()) {
            throw new ConfigException(source + ": 'jobs' lists no job; give one or more, each as a job file describes"
                    + " it (docs/policy.md)");
        }
        Shared shared = new Shared(
                inFile(source, () -> raw.window == null ? Window.ALWAYS : window(raw.window)),
                inFile(source, () -> database(raw.database)),
                inFile(source, () -> throttle(raw.throttle)));
        List<JobFile> jobs = new java.util.ArrayList<>();
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < raw.jobs.size(); i++) {
            Raw job = raw.jobs.get(i);
            String where = source + ": jobs[" + i + "]";
            if (job == null) {
                throw new ConfigException(where + " is empty; give a job as a job file describes it (job, root, ...)");
            }
            String named = where + (job.job == null ? "" : " (" + job.job + ")");
            JobFile file = inFile(named, () -> jobFile(named, job, shared));
            Integer before = seen.putIfAbsent(file.job().name(), i);
            if (before != null) {
                throw new ConfigException(named + ": jobs[" + before + "] has the same name; job names must be"
                        + " unique in a policy file (they name the procedures and backup tables)");
            }
            jobs.add(file);
        }
        return new PolicyFile(source, jobs, true);
    }

    /** A section's own error messages name the setting but not the file: prefixed here with where it is. */
    private static <T> T inFile(String where, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (ConfigException | InvalidJobException e) {
            if (e instanceof ConfigException c && e.getMessage() != null && e.getMessage().startsWith(where)) {
                throw c;
            }
            throw new ConfigException(where + ": " + e.getMessage(), e);
        }
    }

    /** The sections a policy file's jobs share unless they give their own (docs/policy.md#shared-sections). */
    private record Shared(Window window, DatabaseSettings database, Throttle throttle) {
        static final Shared NONE = new Shared(Window.ALWAYS, DatabaseSettings.NONE, Throttle.NONE);
    }

    /** The YAML read as {@code type}, every Jackson error turned into a message naming the setting and its line. */
    private static <T> T mapped(String source, String yaml, Class<T> type) {
        try (JsonParser parser = YAML.createParser(yaml)) {
            // An empty file (or one of comments only) has no token at all: report it as missing 'job'.
            return parser.nextToken() == null ? null : YAML.readValue(parser, type);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(source + ": unknown setting '" + path(e) + "' at " + location(e)
                    + didYouMean(e) + "; the settings allowed there are " + known(e)
                    + (e.getReferringClass() == RawPolicy.class ? " (in a policy file, a job's settings go in its"
                    + " entry of 'jobs'; docs/policy.md)" : ""), e);
        } catch (InvalidFormatException e) {
            throw new ConfigException(source + ": setting '" + path(e) + "' at " + location(e) + ": '" + e.getValue()
                    + "' is not a valid " + e.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT), e);
        } catch (MismatchedInputException e) {
            throw new ConfigException(source + ": setting '" + path(e) + "' at " + location(e) + " has the wrong form"
                    + " (a section where a value belongs, or the reverse); see the job file example in the README", e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": " + e.getOriginalMessage() + " at " + location(e), e);
        } catch (IOException e) {
            throw new ConfigException(source + ": not a valid job file: " + e.getMessage(), e);
        }
    }

    private static JobFile jobFile(String source, Raw raw, Shared shared) {
        if (raw == null || raw.job == null) {
            throw new ConfigException(source + ": 'job' (the job name) is required");
        }
        try {
            List<LogicalReference> references = references(raw.references);
            Root root = root(source, raw.root, references);
            Job job = new Job(raw.job, root.table(), root.rows(),
                    raw.batchSize == null ? DEFAULT_BATCH_SIZE : raw.batchSize,
                    backupEnabled(source, raw.backup),
                    raw.exclude == null ? List.of() : raw.exclude.stream().map(JobFileReader::tableName).toList(),
                    Durations.parse("timeouts.lock", raw.timeouts.lock),
                    Durations.parse("timeouts.statement", raw.timeouts.statement),
                    edges(raw.edges), triggers(source, raw.triggers), references);
            return new JobFile(job, raw.window == null ? shared.window() : window(raw.window),
                    raw.database == null ? shared.database() : database(raw.database),
                    RehearsalSetting.parse("rehearse", raw.rehearse), backupKeep(source, raw.backup),
                    backupArchive(source, raw.backup),
                    raw.receipt != null && Boolean.TRUE.equals(raw.receipt.hashKeys),
                    raw.throttle == null ? shared.throttle() : throttle(raw.throttle),
                    startWhen(raw.startWhen, job), roles(raw.roles), schedule(raw.schedule, raw.timeZone));
        } catch (InvalidJobException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    private record Root(TableName table, RootRows rows) {
    }

    private static final String ROOT_FORMS = "give 'root' one of: {table: schema.table, where: CONDITION},"
            + " {table: schema.table, keys: runtime}, {orphansOf: REFERENCE} or {duplicatesOf: schema.table,"
            + " key: [EXPRESSION, ...], keep: newest by COLUMN | oldest by COLUMN | lowest | highest,"
            + " children: purge | repoint}";

    /**
     * The {@code root} section: the root table and how its rows are chosen (docs/design.md#jobs). The orphans of a
     * logical reference are rows of its child table; those of a foreign key, written {@code schema.table.constraint},
     * rows of that table (docs/design.md#orphan-roots). The duplicates of a table are its rows
     * (docs/design.md#duplicate-roots).
     */
    private static Root root(String source, RawRoot r, List<LogicalReference> references) {
        if (r == null) {
            throw new ConfigException(source + ": 'root' is required: " + ROOT_FORMS);
        }
        int kinds = (r.where != null ? 1 : 0) + (r.keys != null ? 1 : 0) + (r.orphansOf != null ? 1 : 0)
                + (r.duplicatesOf != null ? 1 : 0);
        if (kinds != 1) {
            throw new ConfigException(source + ": " + (kinds == 0 ? "'root' does not say which rows to purge: "
                    : "'root' chooses its rows more than one way: ") + ROOT_FORMS);
        }
        if (r.duplicatesOf == null && (r.key != null || r.keep != null || r.children != null)) {
            throw new ConfigException(source + ": 'root.key', 'root.keep' and 'root.children' go with"
                    + " 'root.duplicatesOf' only");
        }
        if (r.orphansOf != null) {
            if (r.table != null) {
                throw new ConfigException(source + ": 'root.table' is not given with 'root.orphansOf': the orphans are"
                        + " rows of the reference's child table");
            }
            String name = r.orphansOf.strip();
            Optional<LogicalReference> ref = references.stream().filter(x -> x.name().equals(name)).findFirst();
            if (ref.isPresent()) {
                return new Root(ref.get().child(), new RootRows.OrphansOf(name));
            }
            int dot = name.lastIndexOf('.');
            if (dot <= 0 || name.indexOf('.') == dot) {
                throw new ConfigException(source + ": 'root.orphansOf: " + r.orphansOf + "' names no logical reference"
                        + " of the 'references' list" + (references.isEmpty() ? " (it has none)" : " (its names: "
                        + String.join(", ", references.stream().map(LogicalReference::name).sorted().toList()) + ")")
                        + "; for a foreign key, write its table and name: schema.table.constraint");
            }
            return new Root(tableName(name.substring(0, dot)), new RootRows.OrphansOf(name.substring(dot + 1)));
        }
        if (r.duplicatesOf != null) {
            if (r.table != null) {
                throw new ConfigException(source + ": 'root.table' is not given with 'root.duplicatesOf': the"
                        + " duplicates are rows of that table");
            }
            if (r.key == null || r.key.isEmpty() || r.keep == null) {
                throw new ConfigException(source + ": 'root.duplicatesOf' needs 'key' (the expressions whose values"
                        + " make rows duplicates, e.g. [lower(email)]) and 'keep' (which row of each group stays:"
                        + " newest by COLUMN, oldest by COLUMN, lowest or highest by the primary key)");
            }
            String children = r.children == null ? "purge" : r.children.strip().toLowerCase(java.util.Locale.ROOT);
            if (!children.equals("purge") && !children.equals("repoint")) {
                throw new ConfigException(source + ": 'root.children: " + r.children + "' is not a choice; write"
                        + " 'purge' (the default: the rows referencing a duplicate are purged with it) or 'repoint'"
                        + " (they are re-pointed to the row kept, and only the duplicates are purged)");
            }
            return new Root(tableName(r.duplicatesOf), new RootRows.DuplicatesOf(r.key, keep(source, r.keep),
                    children.equals("repoint")));
        }
        if (r.table == null) {
            throw new ConfigException(source + ": 'root.table' is required (the table whose rows are purged, as"
                    + " schema.table)");
        }
        if (r.keys != null && !"runtime".equals(r.keys.strip())) {
            throw new ConfigException(source + ": 'root.keys: " + r.keys + "' is not a choice; write 'root.keys:"
                    + " runtime' (keys passed to each run)");
        }
        return new Root(tableName(r.table), r.where != null ? new RootRows.Where(r.where) : new RootRows.KeysAtRunTime());
    }

    /** {@code root.keep}: {@code newest by COLUMN}, {@code oldest by COLUMN}, {@code lowest} or {@code highest}. */
    private static RootRows.Keep keep(String source, String text) {
        String[] words = text.strip().split("\\s+");
        String order = words[0].toLowerCase(java.util.Locale.ROOT);
        if ((order.equals("newest") || order.equals("oldest")) && words.length == 3
                && words[1].equalsIgnoreCase("by")) {
            return new RootRows.Keep(order.equals("newest") ? RootRows.Keep.Order.NEWEST : RootRows.Keep.Order.OLDEST,
                    Optional.of(words[2]));
        }
        if ((order.equals("lowest") || order.equals("highest")) && words.length == 1) {
            return new RootRows.Keep(order.equals("lowest") ? RootRows.Keep.Order.LOWEST : RootRows.Keep.Order.HIGHEST,
                    Optional.empty());
        }
        throw new ConfigException(source + ": 'root.keep: " + text + "' is not a choice; write 'newest by COLUMN'"
                + " (the row with the greatest value stays), 'oldest by COLUMN', 'lowest' or 'highest' (by the"
                + " primary key); ties go to the lowest primary key");
    }

    /**
     * The {@code roles} section (docs/roles.md): every role optional, defaulting to its {@code declutter_*} name;
     * the roles given are recorded as named, so that roles.sql requires them to exist rather than creating them.
     */
    static io.declutter.model.DatabaseRoles roles(RawRoles r) {
        if (r == null) {
            return io.declutter.model.DatabaseRoles.DEFAULT;
        }
        java.util.Set<String> named = new java.util.HashSet<>();
        java.util.stream.Stream.of(r.owner, r.operator, r.viewer, r.restorer).filter(java.util.Objects::nonNull)
                .forEach(named::add);
        return new io.declutter.model.DatabaseRoles(
                r.owner == null ? io.declutter.model.DatabaseRoles.DEFAULT_OWNER : r.owner,
                r.operator == null ? io.declutter.model.DatabaseRoles.DEFAULT_OPERATOR : r.operator,
                r.viewer == null ? io.declutter.model.DatabaseRoles.DEFAULT_VIEWER : r.viewer,
                r.restorer == null ? io.declutter.model.DatabaseRoles.DEFAULT_RESTORER : r.restorer, named);
    }

    /**
     * Only the {@code throttle} section of a job file, as the runner re-reads it between units of work
     * (docs/throttle.md#changing-limits-during-a-run); the whole file must still be valid.
     */
    public static Throttle readThrottle(Path file, String job) {
        return readPolicy(file).find(job).orElseThrow(() -> new ConfigException(file + " no longer holds job " + job))
                .throttle();
    }

    /** The {@code throttle} section (docs/throttle.md); absent: no limits, fixed batch size. */
    static Throttle throttle(RawThrottle t) {
        if (t == null) {
            return Throttle.NONE;
        }
        Throttle.OnUnknown onUnknown = Throttle.OnUnknown.GO;
        if (t.onUnknown != null) {
            onUnknown = switch (t.onUnknown.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "go" -> Throttle.OnUnknown.GO;
                case "hold" -> Throttle.OnUnknown.HOLD;
                default -> throw new ConfigException("throttle.onUnknown: '" + t.onUnknown + "' is not a choice; write"
                        + " go (a signal that cannot be read does not stop the run) or hold");
            };
        }
        Optional<Throttle.Canary> canary = Optional.empty();
        if (t.canary != null) {
            if (t.canary.sql == null || t.canary.maxLatency == null) {
                throw new ConfigException("throttle.canary: give 'sql' (a cheap query of the application's) and"
                        + " 'maxLatency' (e.g. 200ms)");
            }
            canary = Optional.of(new Throttle.Canary(t.canary.sql, Durations.parse("throttle.canary.maxLatency",
                    t.canary.maxLatency)));
        }
        return new Throttle(
                Optional.ofNullable(t.maxReplicaLag).map(d -> Durations.parse("throttle.maxReplicaLag", d)),
                size("throttle.maxReplicaLagBytes", t.maxReplicaLagBytes),
                size("throttle.maxSlotRetainedWal", t.maxSlotRetainedWal),
                t.maxWalRate == null ? java.util.OptionalLong.empty()
                        : java.util.OptionalLong.of(ByteSizes.parseRate("throttle.maxWalRate", t.maxWalRate)),
                Optional.ofNullable(t.maxTransactionAge).map(d -> Durations.parse("throttle.maxTransactionAge", d)),
                t.pauseOnAutovacuum != null && t.pauseOnAutovacuum,
                t.maxActiveSessions == null ? java.util.OptionalInt.empty()
                        : java.util.OptionalInt.of(t.maxActiveSessions),
                canary, onUnknown,
                Optional.ofNullable(t.targetBatchTime).map(d -> Durations.parse("throttle.targetBatchTime", d)),
                t.minBatchSize == null ? Throttle.DEFAULT_MIN_BATCH_SIZE : t.minBatchSize,
                t.maxBatchSize == null ? Math.max(Throttle.DEFAULT_MAX_BATCH_SIZE,
                        t.minBatchSize == null ? 0 : t.minBatchSize) : t.maxBatchSize,
                blocks("throttle.maxUndoBlocks", t.maxUndoBlocks),
                Optional.ofNullable(t.standbyUrl).map(String::strip));
    }

    /** A number of blocks: a whole number, more than 0 (Oracle's undo blocks, docs/throttle.md#oracle). */
    private static java.util.OptionalLong blocks(String setting, String text) {
        if (text == null) {
            return java.util.OptionalLong.empty();
        }
        try {
            long n = Long.parseLong(text.strip().replace("_", ""));
            if (n < 1) {
                throw new ConfigException(setting + " must be more than 0 (a number of undo blocks, e.g. 100000)");
            }
            return java.util.OptionalLong.of(n);
        } catch (NumberFormatException e) {
            throw new ConfigException(setting + ": '" + text + "' is not a number of blocks; write a whole number,"
                    + " e.g. 100000 (undo blocks in active extents, V$UNDOSTAT.ACTIVEBLKS)");
        }
    }

    /** The {@code startWhen} section (docs/throttle.md#start-thresholds); absent: every run starts. */
    static StartWhen startWhen(RawStartWhen w, Job job) {
        if (w == null) {
            return StartWhen.ALWAYS;
        }
        if (w.rootRows != null && job.keysAtRunTime()) {
            throw new ConfigException("startWhen.rootRows counts the rows 'root.where' matches; job " + job.name()
                    + " takes its keys at run time: remove rootRows or give root.where");
        }
        return new StartWhen(w.rootRows == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(w.rootRows),
                threshold("startWhen.deadTuples", w.deadTuples, JobFileReader::count),
                threshold("startWhen.deadTupleRatio", w.deadTupleRatio, JobFileReader::ratio),
                threshold("startWhen.tableSize", w.tableSize, ByteSizes::parse));
    }

    private interface Number {
        double parse(String setting, String text);
    }

    private static Optional<StartWhen.TableThreshold> threshold(String setting, RawTableThreshold t, Number number) {
        if (t == null) {
            return Optional.empty();
        }
        if (t.table == null || t.over == null) {
            throw new ConfigException(setting + ": give 'table' (schema.table) and 'over' (the threshold), e.g."
                    + " {table: app.events, over: 1000000}");
        }
        return Optional.of(new StartWhen.TableThreshold(tableName(t.table), number.parse(setting + ".over", t.over)));
    }

    private static double count(String setting, String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(setting + ": '" + text + "' is not a whole number");
        }
    }

    private static double ratio(String setting, String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(setting + ": '" + text + "' is not a ratio; write a number between 0 and 1"
                    + " (e.g. 0.2)");
        }
    }

    private static java.util.OptionalLong size(String setting, String text) {
        return text == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(ByteSizes.parse(setting, text));
    }

    /** {@code schema.table}; a name without a dot is taken to be in {@code public}. Double quotes are not needed. */
    public static TableName tableName(String text) {
        // Not stripped: YAML already drops the blanks around a plain value, and a quoted name may end in a space.
        String t = text == null ? "" : text;
        int dot = t.indexOf('.');
        if (t.isBlank() || dot == 0 || dot == t.length() - 1) {
            throw new ConfigException("'" + (text == null ? "" : text) + "' is not a table name; write schema.table");
        }
        return dot < 0 ? new TableName("public", t) : new TableName(t.substring(0, dot), t.substring(dot + 1));
    }

    private static final String BACKUP_FORMS = "'backup' is true (the default), false (keys only, no rollback) or"
            + " '{keep: 30d, archive: DIR}' (a full backup, dropped that long after the run ends, docs/archive.md#expiry;"
            + " archived into DIR before every unit commits, docs/archive.md#archive-before-delete)";

    /** {@code backup}: true, false or a section with {@code keep}. */
    private static boolean backupEnabled(String source, com.fasterxml.jackson.databind.JsonNode node) {
        if (node == null || node.isNull()) {
            return true;
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isObject()) {
            backupKeep(source, node);
            return true;
        }
        throw new ConfigException(source + ": " + BACKUP_FORMS);
    }

    private static Optional<java.time.Duration> backupKeep(String source, com.fasterxml.jackson.databind.JsonNode node) {
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        java.util.Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!"keep".equals(name) && !"archive".equals(name)) {
                throw new ConfigException(source + ": unknown setting 'backup." + name + "'; the settings allowed there"
                        + " are keep, archive");
            }
        }
        com.fasterxml.jackson.databind.JsonNode keep = node.get("keep");
        if (keep == null || keep.isNull()) {
            return Optional.empty();
        }
        if (keep.isNumber() && keep.asLong() == 0 || "0".equals(keep.asText().strip())) {
            return Optional.of(java.time.Duration.ZERO);
        }
        return Optional.of(Durations.parse("backup.keep", keep.asText()));
    }

    /**
     * {@code backup.archive}: the directory under which the runner writes each run's archive, unit by unit
     * (docs/archive.md#archive-before-delete); a path, absolute or relative to the job file.
     */
    private static Optional<Path> backupArchive(String source, com.fasterxml.jackson.databind.JsonNode node) {
        if (node == null || !node.isObject() || node.get("archive") == null || node.get("archive").isNull()) {
            return Optional.empty();
        }
        com.fasterxml.jackson.databind.JsonNode archive = node.get("archive");
        if (!archive.isTextual() || archive.asText().isBlank()) {
            throw new ConfigException(source + ": 'backup.archive' is a directory (e.g. /backup/declutter), under which"
                    + " each run's archive goes into run-N; got " + (archive.isTextual() ? "an empty value" : archive));
        }
        try {
            return Optional.of(Path.of(archive.asText()));
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException(source + ": 'backup.archive' is not a valid path: " + e.getMessage(), e);
        }
    }

    /** {@code edges}: per-edge strategy overrides, each naming a foreign key by its table and constraint. */
    private static List<EdgeOverride> edges(List<RawEdge> edges) {
        if (edges == null) {
            return List.of();
        }
        List<EdgeOverride> result = new java.util.ArrayList<>();
        for (int i = 0; i < edges.size(); i++) {
            RawEdge e = edges.get(i);
            String where = "edges[" + i + "]";
            if (e == null || e.table == null || e.constraint == null || e.strategy == null) {
                throw new ConfigException(where + ": give 'table' (the table declaring the foreign key, as"
                        + " schema.table), 'constraint' (its name) and 'strategy' (delete or skip)");
            }
            Strategy strategy = switch (e.strategy.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "delete" -> Strategy.DELETE;
                case "skip" -> Strategy.SKIP;
                default -> throw new ConfigException(where + ": strategy '" + e.strategy + "' is not one that can be"
                        + " chosen; write 'delete' (back up and delete the rows that reference purged rows, instead of"
                        + " letting the database set their column to null or its default) or 'skip' (leave them)");
            };
            result.add(new EdgeOverride(tableName(e.table), e.constraint, strategy));
        }
        return result;
    }

    /**
     * {@code references}: references the database does not enforce (docs/design.md#logical-references), each a child
     * table and columns, a parent table (and columns, default its primary key) and what to do: delete or ignore.
     */
    private static List<LogicalReference> references(List<RawReference> references) {
        if (references == null) {
            return List.of();
        }
        List<LogicalReference> result = new java.util.ArrayList<>();
        for (int i = 0; i < references.size(); i++) {
            RawReference r = references.get(i);
            String where = "references[" + i + "]";
            if (r == null || r.child == null || r.columns == null || r.columns.isEmpty() || r.parent == null) {
                throw new ConfigException(where + ": give 'child' (schema.table), 'columns' (its columns holding the"
                        + " reference), 'parent' (schema.table), optionally 'parentColumns' (default: its primary key),"
                        + " 'onDelete' (delete, set null or ignore) and 'name'");
            }
            String action = r.onDelete == null ? "delete" : r.onDelete.strip().toLowerCase(java.util.Locale.ROOT);
            LogicalReference.Action a = switch (action) {
                case "delete" -> LogicalReference.Action.DELETE;
                case "set null" -> LogicalReference.Action.SET_NULL;
                case "ignore" -> LogicalReference.Action.IGNORE;
                default -> throw new ConfigException(where + ": onDelete '" + r.onDelete + "' is not one declutter"
                        + " knows; write 'delete' (back up and delete the rows referencing purged rows), 'set null'"
                        + " (keep them, their columns set to NULL and the old values recorded) or 'ignore' (leave"
                        + " them)");
            };
            TableName child = tableName(r.child);
            String name = r.name != null ? r.name : "ref_" + child.name() + "_" + String.join("_", r.columns);
            result.add(new LogicalReference(name, child, r.columns, tableName(r.parent),
                    r.parentColumns == null ? List.of() : r.parentColumns, a));
        }
        return result;
    }

    /**
     * {@code triggers}: {@code keep} (the default: every trigger fires as the application's deletes fire it), or
     * {@code {disable: [name, ...]}}: those triggers are disabled around each delete batch (docs/design.md#triggers).
     * Whether each name is a trigger on a purged table is checked by plan, against the catalog.
     */
    private static List<String> triggers(String source, com.fasterxml.jackson.databind.JsonNode node) {
        String form = "'triggers' is either 'keep' (the default) or '{disable: [trigger, ...]}' (names of triggers on"
                + " purged tables, or schema.table.trigger)";
        if (node == null || node.isNull() || node.isTextual() && node.asText().strip().equals("keep")) {
            return List.of();
        }
        if (!node.isObject()) {
            throw new ConfigException(source + ": 'triggers: " + node.asText() + "' is not a choice: " + form);
        }
        List<String> keys = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        if (!keys.equals(List.of("disable"))) {
            throw new ConfigException(source + ": 'triggers' has " + (keys.isEmpty() ? "no setting" : "the setting(s) "
                    + String.join(", ", keys)) + ": " + form);
        }
        com.fasterxml.jackson.databind.JsonNode list = node.get("disable");
        if (!list.isArray() || list.isEmpty()) {
            throw new ConfigException(source + ": 'triggers.disable' must be a list of one or more trigger names: " + form);
        }
        List<String> names = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode n : list) {
            if (!n.isTextual() || n.asText().isBlank()) {
                throw new ConfigException(source + ": 'triggers.disable' holds '" + n + "', not a trigger name: " + form);
            }
            names.add(n.asText().strip());
        }
        return names;
    }

    /**
     * {@code schedule} and {@code timeZone} (docs/serve.md#schedules): a Quartz cron expression, checked by Quartz's
     * own parser, and the time zone it is read in (an IANA name; default: the server's).
     */
    static Optional<Schedule> schedule(String cron, String timeZone) {
        if (cron == null) {
            if (timeZone != null) {
                throw new ConfigException("timeZone: '" + timeZone + "' is given without a schedule; add 'schedule:"
                        + " \"0 30 1 * * ?\"' (a Quartz cron expression) or remove it");
            }
            return Optional.empty();
        }
        String text = cron.strip();
        try {
            new org.quartz.CronExpression(text);
        } catch (java.text.ParseException e) {
            throw new ConfigException("schedule: '" + cron + "' is not a Quartz cron expression (" + e.getMessage()
                    + "); write seconds, minutes, hours, day of month, month, day of week and optionally the year,"
                    + " with '?' in one of the two days: \"0 30 1 * * ?\" is 01:30:00 every day");
        }
        Optional<java.time.ZoneId> zone = Optional.empty();
        if (timeZone != null) {
            try {
                zone = Optional.of(java.time.ZoneId.of(timeZone.strip()));
            } catch (java.time.DateTimeException e) {
                throw new ConfigException("timeZone: '" + timeZone + "' is not a time zone; write a name such as"
                        + " Europe/Paris or UTC");
            }
        }
        return Optional.of(new Schedule(text, zone));
    }

    private static Window window(RawWindow w) {
        if (w == null) {
            return Window.ALWAYS;
        }
        return new Window(time("window.start", w.start), time("window.end", w.end),
                Optional.ofNullable(w.maxDuration).map(d -> Durations.parse("window.maxDuration", d)));
    }

    private static Optional<LocalTime> time(String setting, String text) {
        try {
            return Optional.ofNullable(text).map(LocalTime::parse);
        } catch (DateTimeParseException e) {
            throw new ConfigException(setting + ": '" + text + "' is not a time of day; write HH:MM (e.g. 22:00)");
        }
    }

    private static DatabaseSettings database(RawDatabase d) {
        if (d == null) {
            return DatabaseSettings.NONE;
        }
        if (d.passwordEnv != null && d.passwordFile != null) {
            throw new ConfigException("database: give 'passwordEnv' or 'passwordFile', not both");
        }
        return new DatabaseSettings(Optional.ofNullable(d.url), Optional.ofNullable(d.user),
                Optional.ofNullable(d.passwordEnv), Optional.ofNullable(d.passwordFile).map(Path::of));
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "?" : "line " + e.getLocation().getLineNr();
    }

    /** Dotted path of the offending key, e.g. {@code timeouts.locks} or {@code jobs[1].root.tabel}. */
    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining()).replaceFirst("^\\.", "");
    }

    private static String known(UnrecognizedPropertyException e) {
        return e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    private static String didYouMean(UnrecognizedPropertyException e) {
        return e.getKnownPropertyIds().stream().map(String::valueOf)
                .filter(k -> k.equalsIgnoreCase(e.getPropertyName())).findFirst()
                .map(k -> " (did you mean '" + k + "'?)").orElse("");
    }

    /** A policy file as written (docs/policy.md): the shared sections and the jobs, each as a job file. */
    static final class RawPolicy {
        @JsonProperty public RawWindow window;
        @JsonProperty public RawDatabase database;
        @JsonProperty public RawThrottle throttle;
        @JsonProperty public List<Raw> jobs;
    }

    /** The file as written; mapped to the model above so the model stays free of Jackson. */
    static final class Raw {
        @JsonProperty public String job;
        @JsonProperty public RawRoot root;
        @JsonProperty public Integer batchSize;
        /** true, false, or {keep: 30d}: a section or a boolean, so read as a tree. */
        @JsonProperty public com.fasterxml.jackson.databind.JsonNode backup;
        @JsonProperty public List<String> exclude;
        @JsonProperty @JsonSetter(nulls = Nulls.SKIP) public RawTimeouts timeouts = new RawTimeouts();
        @JsonProperty public RawWindow window;
        @JsonProperty public RawDatabase database;
        @JsonProperty public List<RawEdge> edges;
        @JsonProperty public List<RawReference> references;
        @JsonProperty public com.fasterxml.jackson.databind.JsonNode triggers;
        /** true, false, all or a number of root rows: Jackson takes a YAML boolean or number as its text. */
        @JsonProperty public String rehearse;
        @JsonProperty public RawReceipt receipt;
        @JsonProperty public RawThrottle throttle;
        @JsonProperty public RawStartWhen startWhen;
        @JsonProperty public RawRoles roles;
        @JsonProperty public String schedule;
        @JsonProperty public String timeZone;
    }

    static final class RawRoles {
        @JsonProperty public String owner;
        @JsonProperty public String operator;
        @JsonProperty public String viewer;
        @JsonProperty public String restorer;
    }

    static final class RawStartWhen {
        @JsonProperty public Long rootRows;
        @JsonProperty public RawTableThreshold deadTuples;
        @JsonProperty public RawTableThreshold deadTupleRatio;
        @JsonProperty public RawTableThreshold tableSize;
    }

    static final class RawTableThreshold {
        @JsonProperty public String table;
        @JsonProperty public String over;
    }

    static final class RawThrottle {
        @JsonProperty public String maxReplicaLag;
        @JsonProperty public String maxReplicaLagBytes;
        @JsonProperty public String maxSlotRetainedWal;
        @JsonProperty public String maxWalRate;
        @JsonProperty public String maxTransactionAge;
        @JsonProperty public Boolean pauseOnAutovacuum;
        @JsonProperty public Integer maxActiveSessions;
        @JsonProperty public RawCanary canary;
        @JsonProperty public String onUnknown;
        @JsonProperty public String targetBatchTime;
        @JsonProperty public Integer minBatchSize;
        @JsonProperty public Integer maxBatchSize;
        @JsonProperty public String maxUndoBlocks;
        @JsonProperty public String standbyUrl;
    }

    static final class RawCanary {
        @JsonProperty public String sql;
        @JsonProperty public String maxLatency;
    }

    static final class RawReceipt {
        @JsonProperty public Boolean hashKeys;
    }

    static final class RawReference {
        @JsonProperty public String name;
        @JsonProperty public String child;
        @JsonProperty public List<String> columns;
        @JsonProperty public String parent;
        @JsonProperty public List<String> parentColumns;
        @JsonProperty public String onDelete;
    }

    static final class RawEdge {
        @JsonProperty public String table;
        @JsonProperty public String constraint;
        @JsonProperty public String strategy;
    }

    static final class RawRoot {
        @JsonProperty public String table;
        @JsonProperty public String where;
        @JsonProperty public String keys;
        @JsonProperty public String orphansOf;
        @JsonProperty public String duplicatesOf;
        @JsonProperty public List<String> key;
        @JsonProperty public String keep;
        @JsonProperty public String children;
    }

    static final class RawTimeouts {
        @JsonProperty @JsonSetter(nulls = Nulls.SKIP) public String lock = "5s";
        @JsonProperty @JsonSetter(nulls = Nulls.SKIP) public String statement = "10min";
    }

    static final class RawWindow {
        @JsonProperty public String start;
        @JsonProperty public String end;
        @JsonProperty public String maxDuration;
    }

    static final class RawDatabase {
        @JsonProperty public String url;
        @JsonProperty public String user;
        @JsonProperty public String passwordEnv;
        @JsonProperty public String passwordFile;
    }
}
