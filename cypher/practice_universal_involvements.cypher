// practice_universal_involvements: open universal involvements started on or before a
// date, with their child, practitioner and agency (read only when cumulative need is
// counted from universal services).
// params: as_of (date)
// returns: involvement_id, child_id, practitioner_id, agency_id, level, started_on, ended_on
MATCH (i:Involvement)-[:INVOLVED_WITH]->(c:Child)
WHERE i.started_on <= $as_of AND i.level = 'universal' AND i.ended_on IS NULL
MATCH (i)-[:INVOLVEMENT_OF]->(p:Practitioner)
MATCH (i)-[:ON_BEHALF_OF]->(a:Agency)
RETURN i.id AS involvement_id, c.id AS child_id, p.id AS practitioner_id,
       a.id AS agency_id, i.level AS level, i.started_on AS started_on,
       i.ended_on AS ended_on
ORDER BY involvement_id
