// caf_practitioner: a practitioner and the agency they work for.
// params: practitioner_id (string)
// returns: id, given_name, family_name, role, left_agency_on, agency_id, agency_name
MATCH (p:Practitioner {id: $practitioner_id})-[:WORKS_FOR]->(a:Agency)
RETURN p.id AS id, p.given_name AS given_name, p.family_name AS family_name,
       p.role AS role, p.left_agency_on AS left_agency_on, a.id AS agency_id,
       a.name AS agency_name
