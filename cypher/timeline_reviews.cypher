// timeline_reviews: reviews of a child's CAFs and plans held on or before a date.
// params: child_id (string), as_of (date)
// returns: review_id, team_id, held_on, outcome
MATCH (c:Child {id: $child_id})<-[:ASSESSES|PLAN_FOR]-(t)<-[:REVIEW_OF]-(r:Review)
WHERE r.held_on <= $as_of
RETURN r.id AS review_id, t.id AS team_id, r.held_on AS held_on, r.outcome AS outcome
ORDER BY held_on, review_id
