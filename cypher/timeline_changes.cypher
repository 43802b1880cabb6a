// timeline_changes: a child's step-ups, step-downs and closures on or before a date.
// params: child_id (string), as_of (date)
// returns: change_id, direction, changed_on, from_level, to_level
MATCH (c:Child {id: $child_id})<-[:CHANGE_FOR]-(lc:LevelChange)
WHERE lc.changed_on <= $as_of
RETURN lc.id AS change_id, lc.direction AS direction, lc.changed_on AS changed_on,
       lc.from_level AS from_level, lc.to_level AS to_level
ORDER BY changed_on, change_id
