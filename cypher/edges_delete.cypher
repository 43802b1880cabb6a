// edges_delete: remove edges of one (source, type, target) triple.
// template: source, rel_type, target
// params: rows (list of {source, target})
// returns: nothing
// The source is found by key on its own, then its edges followed: with both ends keyed
// in one pattern, LadybugDB paired every node of the two labels (a cross product).
UNWIND $rows AS row
MATCH (a:{{source}} {id: row.source})
MATCH (a)-[r:{{rel_type}}]->(b:{{target}})
WHERE b.id = row.target
DELETE r
