// timeline_leads: who led each of a child's CAFs and plans, from when to when (leads
// that started on or before a date).
// params: child_id (string), as_of (date)
// returns: membership_id, team_id, practitioner_id, given_name, family_name, started_on, ended_on
MATCH (c:Child {id: $child_id})<-[:ASSESSES|PLAN_FOR]-(t)<-[:MEMBER_OF_TEAM]-(m:TeamMembership)-[:MEMBERSHIP_OF]->(p:Practitioner)
WHERE m.role = 'lead' AND m.started_on <= $as_of
RETURN m.id AS membership_id, t.id AS team_id, p.id AS practitioner_id,
       p.given_name AS given_name, p.family_name AS family_name,
       m.started_on AS started_on, m.ended_on AS ended_on
ORDER BY started_on, membership_id
