// child_consents: every consent or refusal about a child (its giver and recipient come
// from child_consent_givers and child_consent_recipients).
// One linear MATCH chain from the child, found by its id, with no WHERE and no OPTIONAL
// MATCH: the form LadybugDB answers by index lookups alone (the caller filters by date
// and joins the chains; case_* reads a case list, case_read is Neo4j's one statement).
// params: child_id (string)
// returns: consent_id, decision, kind, given_by_child, child_competent, scopes, services, given_on, expires_on, withdrawn_on
MATCH (c:Child {id: $child_id})<-[:CONSENT_ABOUT]-(k:Consent)
RETURN k.id AS consent_id, k.decision AS decision, k.kind AS kind,
       k.given_by_child AS given_by_child, k.child_competent AS child_competent,
       k.scopes AS scopes, k.services AS services, k.given_on AS given_on, k.expires_on AS expires_on,
       k.withdrawn_on AS withdrawn_on
