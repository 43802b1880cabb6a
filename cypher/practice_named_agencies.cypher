// practice_named_agencies: the new agencies each step-down or closure on or before a
// date names in its step-down plan.
// params: as_of (date)
// returns: change_id, agency_id
MATCH (lc:LevelChange)-[:NAMES_AGENCY]->(a:Agency)
WHERE lc.changed_on <= $as_of AND lc.direction <> 'step_up'
RETURN lc.id AS change_id, a.id AS agency_id
ORDER BY change_id, agency_id
