// practice_plan_teams: every plan started on or before a date, with the CAF it belongs
// to (its team is in practice_memberships).
// params: as_of (date)
// returns: team_id, child_id, kind, caf_id, started_on, ended_on, stable_long_term
MATCH (pl:Plan)-[:PLAN_FOR]->(c:Child)
WHERE pl.started_on <= $as_of
OPTIONAL MATCH (pl)-[:UNDER_CAF]->(caf:Caf)
RETURN pl.id AS team_id, c.id AS child_id, pl.kind AS kind, caf.id AS caf_id,
       pl.started_on AS started_on, pl.ended_on AS ended_on,
       pl.stable_long_term AS stable_long_term
ORDER BY team_id
