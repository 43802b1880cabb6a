// summary_involvements_by_level: children with a current involvement, by the level of
// that involvement, on a date.
// params: as_of (date)
// returns: level, children, involvements
MATCH (i:Involvement)-[:INVOLVED_WITH]->(c:Child)
WHERE i.started_on <= $as_of AND (i.ended_on IS NULL OR i.ended_on > $as_of)
RETURN i.level AS level, count(DISTINCT c) AS children, count(i) AS involvements
ORDER BY level
