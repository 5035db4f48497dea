package io.declutter.render;

import java.util.List;

/**
 * The late rows of a finished table as the PostgreSQL templates need them (see
 * {@code PurgeAnalysis.LateWork}): rows inserted since its deletes finished and caught up through a table above
 * it. {@code table} is the table's view with its detaches, {@code catchUp} the statements from its late rows, and
 * {@code nullifies} the SET NULL records of the edges from it.
 */
public record LateView(TableView table, List<CatchUpStepView> catchUp, List<NullifyView> nullifies) {

    public LateView {
        catchUp = List.copyOf(catchUp);
        nullifies = List.copyOf(nullifies);
    }
}
