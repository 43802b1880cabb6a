// child_involvement_agencies: the agency on whose behalf each involvement with a child is.
// One linear MATCH chain from the child, found by its id, with no WHERE and no OPTIONAL
// MATCH: the form LadybugDB answers by index lookups alone (the caller filters by date
// and joins the chains; case_* reads a case list, case_read is Neo4j's one statement).
// params: child_id (string)
// returns: agency_id, agency_name, sensitive, broker_contact, involvement_id
MATCH (c:Child {id: $child_id})<-[:INVOLVED_WITH]-(i:Involvement)-[:ON_BEHALF_OF]->(a:Agency)
RETURN a.id AS agency_id, a.name AS agency_name, a.sensitive AS sensitive,
       a.broker_contact AS broker_contact, i.id AS involvement_id
