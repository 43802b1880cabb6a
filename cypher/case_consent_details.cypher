// case_consent_details: each consent or refusal named, found by its id, with what it
// says and the family member who gave it (whether the giver holds parental
// responsibility comes from case_family).
// params: consent_ids (list of string)
// returns: consent_id, decision, kind, given_by_child, child_competent, scopes, services, given_on, expires_on, withdrawn_on, giver_id
UNWIND $consent_ids AS wanted
MATCH (k:Consent {id: wanted})
OPTIONAL MATCH (k)-[:GIVEN_BY]->(f:FamilyMember)
RETURN k.id AS consent_id, k.decision AS decision, k.kind AS kind,
       k.given_by_child AS given_by_child, k.child_competent AS child_competent,
       k.scopes AS scopes, k.services AS services, k.given_on AS given_on, k.expires_on AS expires_on,
       k.withdrawn_on AS withdrawn_on, f.id AS giver_id
