// practice_family: people with parental responsibility for, or caring for, each child
// with a step-down or closure on or before a date.
// params: as_of (date)
// returns: child_id, family_member_id
MATCH (lc:LevelChange)-[:CHANGE_FOR]->(c:Child)<-[r:FAMILY_OF]-(f:FamilyMember)
WHERE lc.changed_on <= $as_of AND lc.direction <> 'step_up'
  AND (r.parental_responsibility = true OR r.carer = true)
RETURN DISTINCT c.id AS child_id, f.id AS family_member_id
ORDER BY child_id, family_member_id
