// practice_closures: step-downs and closures on or before a date, with who decided and
// agreed them (and their roles), the TACiN meeting, the plan or CAF changed, and the
// child's date of birth, school and GP practice.
// params: as_of (date)
// returns: change_id, child_id, direction, changed_on, from_level, to_level, caf_id, plan_id, plan_kind, decided_by_id, decided_by_role, decided_by_agency_id, agreed_by_id, agreed_by_role, tacin_meeting_id, date_of_birth, school_id, gp_practice_id
MATCH (lc:LevelChange)-[:CHANGE_FOR]->(c:Child)
WHERE lc.changed_on <= $as_of AND lc.direction <> 'step_up'
OPTIONAL MATCH (lc)-[:CHANGE_OF]->(caf:Caf)
OPTIONAL MATCH (lc)-[:CHANGE_OF]->(pl:Plan)
OPTIONAL MATCH (lc)-[:DECIDED_BY]->(d:Practitioner)
OPTIONAL MATCH (d)-[:WORKS_FOR]->(da:Agency)
OPTIONAL MATCH (lc)-[:AGREED_BY]->(g:Practitioner)
OPTIONAL MATCH (lc)-[:DISCUSSED_AT]->(mt:Meeting)
OPTIONAL MATCH (c)-[:ATTENDS]->(school:Agency)
OPTIONAL MATCH (c)-[:REGISTERED_WITH]->(gp:Agency)
RETURN lc.id AS change_id, c.id AS child_id, lc.direction AS direction,
       lc.changed_on AS changed_on, lc.from_level AS from_level, lc.to_level AS to_level,
       caf.id AS caf_id, pl.id AS plan_id, pl.kind AS plan_kind, d.id AS decided_by_id,
       d.role AS decided_by_role, da.id AS decided_by_agency_id, g.id AS agreed_by_id,
       g.role AS agreed_by_role, mt.id AS tacin_meeting_id,
       c.date_of_birth AS date_of_birth, school.id AS school_id, gp.id AS gp_practice_id
ORDER BY change_id
