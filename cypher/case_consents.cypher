// case_consents: which consents or refusals there are about each child, by id (what each
// says, who gave it and to whom come from case_consent_details and
// case_consent_recipients, read by these ids).
// One hop from each child, its ids only: reading the properties of a node reached after
// UNWIND costs LadybugDB a join against its whole table (13.7 ms for a case list of 100
// at 100,000 children), looking nodes up by id afterwards a few milliseconds.
// One row per child and match; OPTIONAL MATCH keeps LadybugDB extending from the child
// rather than joining whole tables, and leaves nulls where nothing matched.
// params: child_ids (list of string)
// returns: child_id, consent_id
UNWIND $child_ids AS wanted
MATCH (c:Child {id: wanted})
OPTIONAL MATCH (c)<-[:CONSENT_ABOUT]-(k:Consent)
RETURN c.id AS child_id, k.id AS consent_id
