// lookup_requester: the practitioner asking, and their agency.
// params: requester_id (string)
// returns: id, given_name, family_name, role, lookup_authorised, left_agency_on, email, phone, agency_id, agency_name, agency_kind, agency_sensitive
MATCH (p:Practitioner {id: $requester_id})-[:WORKS_FOR]->(a:Agency)
RETURN p.id AS id, p.given_name AS given_name, p.family_name AS family_name,
       p.role AS role, p.lookup_authorised AS lookup_authorised,
       p.left_agency_on AS left_agency_on, p.email AS email, p.phone AS phone,
       a.id AS agency_id, a.name AS agency_name, a.kind AS agency_kind,
       a.sensitive AS agency_sensitive
