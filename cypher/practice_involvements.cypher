// practice_involvements: involvements started on or before a date, with their child,
// practitioner, agency and level; open universal ones only for a child with a CAF, a
// plan or a level change (for any other child no check but a cumulative need counted
// from universal services reads them: practice_universal_involvements).
// params: as_of (date)
// returns: involvement_id, child_id, practitioner_id, agency_id, level, started_on, ended_on
MATCH (i:Involvement)-[:INVOLVED_WITH]->(c:Child)
WHERE i.started_on <= $as_of
  AND (i.level <> 'universal' OR i.ended_on IS NOT NULL
       OR EXISTS { MATCH (c)<-[:ASSESSES|PLAN_FOR|CHANGE_FOR]-() })
MATCH (i)-[:INVOLVEMENT_OF]->(p:Practitioner)
MATCH (i)-[:ON_BEHALF_OF]->(a:Agency)
RETURN i.id AS involvement_id, c.id AS child_id, p.id AS practitioner_id,
       a.id AS agency_id, i.level AS level, i.started_on AS started_on,
       i.ended_on AS ended_on
ORDER BY involvement_id
