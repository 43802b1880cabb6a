// case_bases: which statutory bases for sharing without consent are recorded about each
// child, by id (what each says, who recorded it and whom it permits come from
// case_basis_details and case_basis_recipients, read by these ids).
// One hop from each child, its ids only: reading the properties of a node reached after
// UNWIND costs LadybugDB a join against its whole table, looking nodes up by id
// afterwards does not.
// The far node has no label (BASIS_ABOUT comes only from a statutory basis, the schema's one
// pair): without it LadybugDB follows the hop from each child instead of scanning the
// far node's whole table (2.9 against 1.7 ms for 100 children at 1,000,000).
// One row per child and match; OPTIONAL MATCH keeps LadybugDB extending from the child
// rather than joining whole tables, and leaves nulls where nothing matched.
// params: child_ids (list of string)
// returns: child_id, basis_id
UNWIND $child_ids AS wanted
MATCH (c:Child {id: wanted})
OPTIONAL MATCH (c)<-[:BASIS_ABOUT]-(b)
RETURN c.id AS child_id, b.id AS basis_id
