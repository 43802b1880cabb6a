// lookup_consents: every consent or refusal about a child, with who gave it (and
// whether they hold parental responsibility for this child) and to whom.
// params: child_id (string)
// returns: consent_id, decision, kind, given_by_child, child_competent, scopes, services, given_on, expires_on, withdrawn_on, giver_id, giver_parental_responsibility, to_practitioner_id, to_agency_id, to_caf_id
MATCH (c:Child {id: $child_id})<-[:CONSENT_ABOUT]-(k:Consent)
OPTIONAL MATCH (k)-[:GIVEN_BY]->(f:FamilyMember)
OPTIONAL MATCH (f)-[rel:FAMILY_OF]->(c)
OPTIONAL MATCH (k)-[:CONSENTS_TO]->(tp:Practitioner)
OPTIONAL MATCH (k)-[:CONSENTS_TO]->(ta:Agency)
OPTIONAL MATCH (k)-[:CONSENTS_TO]->(tc:Caf)
RETURN k.id AS consent_id, k.decision AS decision, k.kind AS kind,
       k.given_by_child AS given_by_child, k.child_competent AS child_competent,
       k.scopes AS scopes, k.services AS services, k.given_on AS given_on, k.expires_on AS expires_on,
       k.withdrawn_on AS withdrawn_on, f.id AS giver_id,
       rel.parental_responsibility AS giver_parental_responsibility,
       tp.id AS to_practitioner_id, ta.id AS to_agency_id, tc.id AS to_caf_id
ORDER BY consent_id
