// practice_assessments: initial assessments started on or before a date.
// params: as_of (date)
// returns: assessment_id, child_id, kind, started_on, completed_on, practitioner_id
MATCH (x:Assessment)-[:ASSESSMENT_OF]->(c:Child)
WHERE x.started_on <= $as_of AND x.kind = 'initial'
OPTIONAL MATCH (x)-[:ASSESSED_BY]->(p:Practitioner)
RETURN x.id AS assessment_id, c.id AS child_id, x.kind AS kind,
       x.started_on AS started_on, x.completed_on AS completed_on, p.id AS practitioner_id
ORDER BY assessment_id
