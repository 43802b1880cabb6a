// nodes_upsert (Neo4j): create or replace the nodes of one label.
// template: label
// params: rows (list of maps; each holds every property, id included)
// returns: nothing
UNWIND $rows AS row
MERGE (n:{{label}} {id: row.id})
SET n = row
