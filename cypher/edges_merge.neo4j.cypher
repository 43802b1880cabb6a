// edges_merge (Neo4j): create edges of one triple if absent and set their properties.
// template: source, rel_type, target
// params: rows (list of {source, target, props})
// returns: nothing
UNWIND $rows AS row
MATCH (a:{{source}} {id: row.source})
MATCH (b:{{target}} {id: row.target})
MERGE (a)-[r:{{rel_type}}]->(b)
SET r = row.props
