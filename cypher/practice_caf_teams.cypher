// practice_caf_teams: every CAF started on or before a date, with each membership of its
// Team Around the Child and the member's agency (one row per membership; a CAF with no
// team gives one row with no membership).
// params: as_of (date)
// returns: team_id, child_id, state, started_on, closed_on, membership_id, practitioner_id, team_role, member_started_on, member_ended_on, agency_id, statutory, qualified_social_worker, left_agency_on
MATCH (caf:Caf)-[:ASSESSES]->(c:Child)
WHERE caf.started_on <= $as_of
OPTIONAL MATCH (caf)<-[:MEMBER_OF_TEAM]-(m:TeamMembership)-[:MEMBERSHIP_OF]->(p:Practitioner)-[:WORKS_FOR]->(a:Agency)
RETURN caf.id AS team_id, c.id AS child_id, caf.state AS state,
       caf.started_on AS started_on, caf.closed_on AS closed_on, m.id AS membership_id,
       p.id AS practitioner_id, m.role AS team_role, m.started_on AS member_started_on,
       m.ended_on AS member_ended_on, a.id AS agency_id, a.statutory AS statutory,
       p.qualified_social_worker AS qualified_social_worker,
       p.left_agency_on AS left_agency_on
ORDER BY team_id, membership_id
