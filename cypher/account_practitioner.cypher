// account_practitioner: the practitioner an account is bound to, with their agency.
// params: practitioner_id
// returns: id, given_name, family_name, role, lookup_authorised, left_agency_on, agency_id, agency
MATCH (p:Practitioner {id: $practitioner_id})-[:WORKS_FOR]->(g:Agency)
RETURN p.id AS id, p.given_name AS given_name, p.family_name AS family_name, p.role AS role,
  p.lookup_authorised AS lookup_authorised, p.left_agency_on AS left_agency_on,
  g.id AS agency_id, g.name AS agency
