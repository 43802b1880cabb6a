// practice_plan_actions: actions of plans still running on a date that are not
// completed by then, with the agency and the practitioner each is assigned to.
// params: as_of (date)
// returns: action_id, plan_id, child_id, agency_id, practitioner_id
MATCH (pa:PlanAction)-[:ACTION_OF]->(pl:Plan)-[:PLAN_FOR]->(c:Child)
WHERE pl.started_on <= $as_of AND (pl.ended_on IS NULL OR pl.ended_on >= $as_of)
  AND (pa.completed_on IS NULL OR pa.completed_on > $as_of)
OPTIONAL MATCH (pa)-[:ASSIGNED_TO]->(a:Agency)
OPTIONAL MATCH (pa)-[:ASSIGNED_TO]->(p:Practitioner)
RETURN pa.id AS action_id, pl.id AS plan_id, c.id AS child_id, a.id AS agency_id,
       p.id AS practitioner_id
ORDER BY action_id
