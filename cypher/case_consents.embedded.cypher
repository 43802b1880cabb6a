// case_consents: every consent or refusal about each child, with who gave it and to
// whom: the recipient's label (Practitioner, Agency or Caf) and id (whether the giver
// holds parental responsibility comes from case_family).
// The recipient's label is label(t): LadybugDB's name for a node's table (Neo4j's form
// uses labels). One hop to a node of any label is faster on LadybugDB than one per label.
// One row per child and match; OPTIONAL MATCH keeps LadybugDB extending from the child
// rather than joining whole tables, and leaves nulls where nothing matched.
// params: child_ids (list of string)
// returns: child_id, consent_id, decision, kind, given_by_child, child_competent, scopes, given_on, expires_on, withdrawn_on, giver_id, to_label, to_id
UNWIND $child_ids AS wanted
MATCH (c:Child {id: wanted})
OPTIONAL MATCH (c)<-[:CONSENT_ABOUT]-(k:Consent)
OPTIONAL MATCH (k)-[:GIVEN_BY]->(f:FamilyMember)
OPTIONAL MATCH (k)-[:CONSENTS_TO]->(t)
RETURN c.id AS child_id, k.id AS consent_id, k.decision AS decision, k.kind AS kind,
       k.given_by_child AS given_by_child, k.child_competent AS child_competent,
       k.scopes AS scopes, k.given_on AS given_on, k.expires_on AS expires_on,
       k.withdrawn_on AS withdrawn_on, f.id AS giver_id, label(t) AS to_label, t.id AS to_id
