// case_cafs: which CAFs there are about each child, by id, open or not (those open on a
// date, and what they say, come from case_caf_details, read by these ids).
// One hop from each child, its ids only: reading the properties of a node reached after
// UNWIND costs LadybugDB a join against its whole table, looking nodes up by id
// afterwards does not.
// The far node has no label (ASSESSES comes only from a CAF, the schema's one
// pair): without it LadybugDB follows the hop from each child instead of scanning the
// far node's whole table (6.6 against 2.1 ms for 100 children at 1,000,000).
// One row per child and match; OPTIONAL MATCH keeps LadybugDB extending from the child
// rather than joining whole tables, and leaves nulls where nothing matched.
// params: child_ids (list of string)
// returns: child_id, caf_id
UNWIND $child_ids AS wanted
MATCH (c:Child {id: wanted})
OPTIONAL MATCH (c)<-[:ASSESSES]-(caf)
RETURN c.id AS child_id, caf.id AS caf_id
