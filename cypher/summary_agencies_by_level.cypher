// summary_agencies_by_level: agencies and their practitioners by level of service.
// params: none
// returns: level, agencies, practitioners
MATCH (a:Agency)
OPTIONAL MATCH (p:Practitioner)-[:WORKS_FOR]->(a)
RETURN a.level AS level, count(DISTINCT a) AS agencies, count(p) AS practitioners
ORDER BY level
