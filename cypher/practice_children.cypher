// practice_children: children with a CAF or a plan started on or before a date (the
// ones whose lead professionals are checked), with what calls for a statutory lead.
// params: as_of (date)
// returns: child_id, looked_after, care_leaver, to_be_adopted, severe_sen, disability, significant_mental_health, young_offender
MATCH (c:Child)<-[:ASSESSES|PLAN_FOR]-(t)
WHERE t.started_on <= $as_of
RETURN DISTINCT c.id AS child_id, c.looked_after AS looked_after,
       c.care_leaver AS care_leaver, c.to_be_adopted AS to_be_adopted,
       c.severe_sen AS severe_sen, c.disability AS disability,
       c.significant_mental_health AS significant_mental_health,
       c.young_offender AS young_offender
ORDER BY child_id
