// practice_sensitive_services: the involvements of each child named with a sensitive
// service, with its agency, practitioner and broker (a practice finding naming one is
// shown only as far as the gate lets its reader see that service).
// params: child_ids (list of string)
// returns: child_id, involvement_id, agency_id, agency_name, practitioner_id, broker_contact
MATCH (c:Child)<-[:INVOLVED_WITH]-(i:Involvement)-[:ON_BEHALF_OF]->(a:Agency)
WHERE c.id IN $child_ids AND a.sensitive = true
MATCH (i)-[:INVOLVEMENT_OF]->(p:Practitioner)
RETURN c.id AS child_id, i.id AS involvement_id, a.id AS agency_id, a.name AS agency_name,
       p.id AS practitioner_id, a.broker_contact AS broker_contact
ORDER BY child_id, involvement_id
