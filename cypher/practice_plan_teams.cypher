// practice_plan_teams: every plan started on or before a date, with each membership of
// its team and the member's agency (one row per membership; a plan with no team of its
// own gives one row with no membership).
// params: as_of (date)
// returns: team_id, child_id, kind, caf_id, started_on, ended_on, stable_long_term, membership_id, practitioner_id, team_role, member_started_on, member_ended_on, agency_id, statutory, qualified_social_worker, left_agency_on
MATCH (pl:Plan)-[:PLAN_FOR]->(c:Child)
WHERE pl.started_on <= $as_of
OPTIONAL MATCH (pl)-[:UNDER_CAF]->(caf:Caf)
OPTIONAL MATCH (pl)<-[:MEMBER_OF_TEAM]-(m:TeamMembership)-[:MEMBERSHIP_OF]->(p:Practitioner)-[:WORKS_FOR]->(a:Agency)
RETURN pl.id AS team_id, c.id AS child_id, pl.kind AS kind, caf.id AS caf_id,
       pl.started_on AS started_on, pl.ended_on AS ended_on,
       pl.stable_long_term AS stable_long_term, m.id AS membership_id,
       p.id AS practitioner_id, m.role AS team_role, m.started_on AS member_started_on,
       m.ended_on AS member_ended_on, a.id AS agency_id, a.statutory AS statutory,
       p.qualified_social_worker AS qualified_social_worker,
       p.left_agency_on AS left_agency_on
ORDER BY team_id, membership_id
