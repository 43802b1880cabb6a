// case_consents: which consents or refusals there are about each child, by id (what each
// says, who gave it and to whom come from case_consent_details and
// case_consent_recipients, read by these ids).
// One hop from each child, its ids only: reading the properties of a node reached after
// UNWIND costs LadybugDB a join against its whole table, looking nodes up by id
// afterwards does not.
// The far node has no label (CONSENT_ABOUT comes only from a consent, the schema's one
// pair): without it LadybugDB follows the hop from each child instead of scanning the
// far node's whole table (19.1 against 2.3 ms for 100 children at 1,000,000).
// One row per child and match; OPTIONAL MATCH keeps LadybugDB extending from the child
// rather than joining whole tables, and leaves nulls where nothing matched.
// params: child_ids (list of string)
// returns: child_id, consent_id
UNWIND $child_ids AS wanted
MATCH (c:Child {id: wanted})
OPTIONAL MATCH (c)<-[:CONSENT_ABOUT]-(k)
RETURN c.id AS child_id, k.id AS consent_id
