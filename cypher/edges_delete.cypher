// edges_delete: remove edges of one (source, type, target) triple.
// template: source, rel_type, target
// params: rows (list of {source, target})
// returns: nothing
UNWIND $rows AS row
MATCH (a:{{source}} {id: row.source})-[r:{{rel_type}}]->(b:{{target}} {id: row.target})
DELETE r
