// caf_of_children: every CAF of some child records, with who started it.
// params: child_ids (list of string)
// returns: caf_id, child_id, state, level, started_on, state_changed_on, closed_on, starter_id, starter_given_name, starter_family_name, starter_email, starter_phone, starter_agency_id, starter_agency_name, starter_agency_kind, starter_agency_sensitive, starter_broker_contact
MATCH (caf:Caf)-[:ASSESSES]->(c:Child)
WHERE c.id IN $child_ids
MATCH (caf)-[:STARTED_BY]->(p:Practitioner)-[:WORKS_FOR]->(a:Agency)
RETURN caf.id AS caf_id, c.id AS child_id, caf.state AS state, caf.level AS level,
       caf.started_on AS started_on, caf.state_changed_on AS state_changed_on,
       caf.closed_on AS closed_on, p.id AS starter_id, p.given_name AS starter_given_name,
       p.family_name AS starter_family_name, p.email AS starter_email,
       p.phone AS starter_phone, a.id AS starter_agency_id,
       a.name AS starter_agency_name, a.kind AS starter_agency_kind,
       a.sensitive AS starter_agency_sensitive, a.broker_contact AS starter_broker_contact
ORDER BY caf_id
