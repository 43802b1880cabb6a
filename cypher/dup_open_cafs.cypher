// dup_open_cafs: every CAF open on a date, with the child record it assesses.
// params: as_of (date)
// returns: child_id, caf_id
MATCH (caf:Caf)-[:ASSESSES]->(c:Child)
WHERE caf.started_on <= $as_of AND (caf.closed_on IS NULL OR caf.closed_on > $as_of)
RETURN c.id AS child_id, caf.id AS caf_id
ORDER BY child_id, caf_id
