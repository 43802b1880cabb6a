// child_consent_givers: the family member who gave each consent about a child, where a
// family member gave it (the child's own consents have none).
// One linear MATCH chain from the child, found by its id, with no WHERE and no OPTIONAL
// MATCH: the form LadybugDB answers by index lookups alone (the caller filters by date
// and joins the chains; case_* reads a case list, case_read is Neo4j's one statement).
// params: child_id (string)
// returns: consent_id, giver_id
MATCH (c:Child {id: $child_id})<-[:CONSENT_ABOUT]-(k:Consent)-[:GIVEN_BY]->(f:FamilyMember)
RETURN k.id AS consent_id, f.id AS giver_id
