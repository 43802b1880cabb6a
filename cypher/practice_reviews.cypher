// practice_reviews: reviews held on or before a date of CAFs and plans not closed or
// ended before it.
// params: as_of (date)
// returns: review_id, caf_id, plan_id, held_on
MATCH (r:Review)
WHERE r.held_on <= $as_of
OPTIONAL MATCH (r)-[:REVIEW_OF]->(caf:Caf)
OPTIONAL MATCH (r)-[:REVIEW_OF]->(pl:Plan)
WITH r, caf, pl
WHERE (caf IS NOT NULL AND (caf.closed_on IS NULL OR caf.closed_on >= $as_of))
   OR (pl IS NOT NULL AND (pl.ended_on IS NULL OR pl.ended_on >= $as_of))
RETURN r.id AS review_id, caf.id AS caf_id, pl.id AS plan_id, r.held_on AS held_on
ORDER BY review_id
