package io.declutter.runner.purge;

import io.declutter.dialect.JobProcedures;

/** Words for what a rehearsal found (docs/design.md#rehearsal), the same for {@code plan --rehearse} and {@code run}. */
public final class Rehearse {

    private Rehearse() {
    }

    /** One paragraph: the outcome, and for a failure the table, the statement and the error. */
    public static String describe(String job, JobProcedures.Rehearsal r) {
        String sample = "the closure of " + String.format("%,d", r.rootRows()) + " root row" + (r.rootRows() == 1 ? "" : "s");
        if (r.ok()) {
            return "Rehearsal of job " + job + ": OK. " + sample + " (" + String.format("%,d", r.deletedRows())
                    + " rows) was purged without an error and rolled back; nothing was changed.";
        }
        StringBuilder out = new StringBuilder("Rehearsal of job " + job + ": ")
                .append(r.failed() ? "FAILED" : "INCONCLUSIVE").append(" while purging ").append(sample).append(".");
        if (r.failedTable() != null) {
            out.append("\n  table:     ").append(r.failedTable());
        }
        if (r.failedStatement() != null) {
            out.append("\n  statement: ").append(r.failedStatement());
        }
        out.append("\n  error:     ").append(r.error() == null ? "(no message)" : r.error());
        out.append("\nThe rehearsal was rolled back: nothing was changed.");
        return out.toString();
    }
}
