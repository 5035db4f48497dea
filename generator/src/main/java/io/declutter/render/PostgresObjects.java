package io.declutter.render;

import java.util.List;

/** The database objects a PostgreSQL deployment consists of, in deploy order, each one template. */
final class PostgresObjects {

    /** The framework's tables, in deploy order: roles.sql gives each to the owner (docs/roles.md). */
    static final List<String> FRAMEWORK_TABLES = List.of(
            "run", "run_key", "control", "log", "trigger_effect", "archive", "archive_batch", "api_request");

    /** Framework objects shared by all jobs: tables first, then the functions and the view using them. */
    static final List<String> FRAMEWORK = java.util.stream.Stream.of(List.of("schema"), FRAMEWORK_TABLES, List.of(
            "begin_run", "note_cache", "note_delete", "note_catchup", "note_error", "note_restore", "sequence",
            "check_references", "finish_run", "remaining", "request_pause", "progress"))
            .flatMap(List::stream).toList();

    /**
     * Per-job objects after the backup tables; the step procedure comes before the loops that call it, and the
     * procedures it dispatches to (cache_next, one per table) right before it (see Generator). "triggers" only for a
     * job that disables or watches a trigger ({@link TriggersView#any()}).
     */
    static final List<String> JOB = List.of("control_rows", "check_fks", "triggers", "step", "cache", "delete", "rollback", "verify", "rehearse");

    private PostgresObjects() {
    }
}
