// account_candidates: authorised practitioners with the most open involvements (demo accounts).
// params: limit
// returns: id, cases
MATCH (p:Practitioner)<-[:INVOLVEMENT_OF]-(i:Involvement)
WHERE p.lookup_authorised = true AND p.left_agency_on IS NULL AND i.ended_on IS NULL
RETURN p.id AS id, count(i) AS cases
ORDER BY cases DESC, id
LIMIT $limit
