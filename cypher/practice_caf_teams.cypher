// practice_caf_teams: every CAF started on or before a date (its Team Around the Child
// is in practice_memberships).
// params: as_of (date)
// returns: team_id, child_id, state, started_on, closed_on
MATCH (caf:Caf)-[:ASSESSES]->(c:Child)
WHERE caf.started_on <= $as_of
RETURN caf.id AS team_id, c.id AS child_id, caf.state AS state,
       caf.started_on AS started_on, caf.closed_on AS closed_on
ORDER BY team_id
