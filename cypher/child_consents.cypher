// child_consents: every consent or refusal about a child, with who gave it and to
// whom (whether the giver holds parental responsibility comes from child_family).
// One child, found by its id, and a MATCH chain from it: the form LadybugDB answers
// fastest for a single lookup (case_* reads a case list in one statement).
// params: child_id (string)
// returns: child_id, consent_id, decision, kind, given_by_child, child_competent, scopes, given_on, expires_on, withdrawn_on, giver_id, to_practitioner_id, to_agency_id, to_caf_id
MATCH (c:Child {id: $child_id})<-[:CONSENT_ABOUT]-(k:Consent)
OPTIONAL MATCH (k)-[:GIVEN_BY]->(f:FamilyMember)
OPTIONAL MATCH (k)-[:CONSENTS_TO]->(tp:Practitioner)
OPTIONAL MATCH (k)-[:CONSENTS_TO]->(ta:Agency)
OPTIONAL MATCH (k)-[:CONSENTS_TO]->(tc:Caf)
RETURN c.id AS child_id, k.id AS consent_id, k.decision AS decision, k.kind AS kind,
       k.given_by_child AS given_by_child, k.child_competent AS child_competent,
       k.scopes AS scopes, k.given_on AS given_on, k.expires_on AS expires_on,
       k.withdrawn_on AS withdrawn_on, f.id AS giver_id, tp.id AS to_practitioner_id,
       ta.id AS to_agency_id, tc.id AS to_caf_id
