// edges_from: the edges of one (source, type, target) triple leaving the given sources.
// template: source, rel_type, target, rel_returns
// params: ids (list of string: source ids)
// returns: source, target, then one column per edge property
UNWIND $ids AS wanted
MATCH (a:{{source}} {id: wanted})-[r:{{rel_type}}]->(b:{{target}})
RETURN a.id AS source, b.id AS target{{rel_returns}}
