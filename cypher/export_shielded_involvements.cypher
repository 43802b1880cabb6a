// export_shielded_involvements: involvements of a shielded child on behalf of an agency
// whose name would locate them (of one of the kinds given: a school, a GP practice).
// params: kinds (list of string)
// returns: involvement_id
MATCH (c:Child)<-[:INVOLVED_WITH]-(i:Involvement)-[:ON_BEHALF_OF]->(a:Agency)
WHERE c.shielded = true AND a.kind IN $kinds
RETURN i.id AS involvement_id
ORDER BY involvement_id
