// practice_reviews: reviews of CAFs and plans held on or before a date.
// params: as_of (date)
// returns: review_id, caf_id, plan_id, held_on, outcome, social_worker_present
MATCH (r:Review)
WHERE r.held_on <= $as_of
OPTIONAL MATCH (r)-[:REVIEW_OF]->(caf:Caf)
OPTIONAL MATCH (r)-[:REVIEW_OF]->(pl:Plan)
RETURN r.id AS review_id, caf.id AS caf_id, pl.id AS plan_id, r.held_on AS held_on,
       r.outcome AS outcome, r.social_worker_present AS social_worker_present
ORDER BY review_id
