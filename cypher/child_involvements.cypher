// child_involvements: every involvement with a child (any dates), with its practitioner.
// One linear MATCH chain from the child, found by its id, with no WHERE and no OPTIONAL
// MATCH: the form LadybugDB answers by index lookups alone (the caller filters by date
// and joins the chains; case_* reads a case list, case_read is Neo4j's one statement).
// params: child_id (string)
// returns: practitioner_id, given_name, family_name, role, email, phone, involvement_id, level, started_on, ended_on
MATCH (c:Child {id: $child_id})<-[:INVOLVED_WITH]-(i:Involvement)-[:INVOLVEMENT_OF]->(p:Practitioner)
RETURN p.id AS practitioner_id, p.given_name AS given_name, p.family_name AS family_name,
       p.role AS role, p.email AS email, p.phone AS phone, i.id AS involvement_id,
       i.level AS level, i.started_on AS started_on, i.ended_on AS ended_on
