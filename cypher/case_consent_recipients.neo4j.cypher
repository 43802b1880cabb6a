// case_consent_recipients: whom each consent named, found by its id, is to: a
// practitioner, an agency or a TAC (a CAF's team), as the recipient's label and id.
// params: consent_ids (list of string)
// returns: consent_id, to_label, to_id
UNWIND $consent_ids AS wanted
MATCH (k:Consent {id: wanted})
OPTIONAL MATCH (k)-[:CONSENTS_TO]->(t)
RETURN k.id AS consent_id, head(labels(t)) AS to_label, t.id AS to_id
