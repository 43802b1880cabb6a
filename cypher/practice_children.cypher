// practice_children: children known on a date (with an involvement, a CAF or a plan
// started by then), with their date of birth and what calls for a statutory lead.
// params: as_of (date)
// returns: child_id, date_of_birth, looked_after, care_leaver, to_be_adopted, severe_sen, disability, significant_mental_health, young_offender, school_id, gp_practice_id
MATCH (c:Child)<-[:INVOLVED_WITH]-(i:Involvement)
WHERE i.started_on <= $as_of
OPTIONAL MATCH (c)-[:ATTENDS]->(school:Agency)
OPTIONAL MATCH (c)-[:REGISTERED_WITH]->(gp:Agency)
RETURN DISTINCT c.id AS child_id, c.date_of_birth AS date_of_birth,
       c.looked_after AS looked_after, c.care_leaver AS care_leaver,
       c.to_be_adopted AS to_be_adopted, c.severe_sen AS severe_sen,
       c.disability AS disability, c.significant_mental_health AS significant_mental_health,
       c.young_offender AS young_offender,
       school.id AS school_id, gp.id AS gp_practice_id
ORDER BY child_id
