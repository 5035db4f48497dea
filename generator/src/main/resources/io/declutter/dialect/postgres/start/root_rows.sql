-- The job's matching root rows, counted up to the threshold only (the parameter), so that a large table is not
-- counted whole to learn that the threshold is reached (docs/throttle.md#start-thresholds). The root table (%1$s)
-- and the job's predicate (%2$s, checked as for plan first) are put in by the runner.
SELECT count(*) FROM (SELECT 1 FROM %1$s AS c WHERE (%2$s) LIMIT ?) AS matching
