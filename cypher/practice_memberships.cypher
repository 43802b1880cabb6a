// practice_memberships: every membership of the Team Around the Child of a CAF or plan
// started on or before a date, by a practitioner who works for an agency.
// params: as_of (date)
// returns: membership_id, team_id, practitioner_id, team_role, started_on, ended_on
MATCH (m:TeamMembership)-[:MEMBER_OF_TEAM]->(t)
WHERE t.started_on <= $as_of
MATCH (m)-[:MEMBERSHIP_OF]->(p:Practitioner)-[:WORKS_FOR]->(:Agency)
RETURN m.id AS membership_id, t.id AS team_id, p.id AS practitioner_id,
       m.role AS team_role, m.started_on AS started_on, m.ended_on AS ended_on
ORDER BY membership_id
