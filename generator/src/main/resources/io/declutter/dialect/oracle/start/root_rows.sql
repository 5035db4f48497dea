-- The job's matching root rows, counted up to the threshold only (the parameter), so that a large table is not
-- counted whole to learn that the threshold is reached (docs/throttle.md#oracle: ROWNUM stops the scan there). The
-- root table (%1$s) and the job's predicate (%2$s, one condition: a ';' is refused) are put in by the runner.
SELECT COUNT(*) FROM (SELECT 1 FROM %1$s c WHERE (%2$s) AND ROWNUM <= ?)
