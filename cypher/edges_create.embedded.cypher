// edges_create (embedded only): create a small batch of new edges of one (source, type,
// target) triple from an Arrow table (COPY's fixed cost is many times a few rows').
// template: source, rel_type, target, rel_properties
// params: rows (Arrow table: from_id, to_id, then the edge properties)
// returns: nothing
// Two MATCH clauses, each a primary-key lookup: in one MATCH the two patterns were planned
// as a cross product of both labels' every node (at 200,000 records, 20 GB and "the buffer
// pool is full" for 17 rows).
LOAD FROM $rows
MATCH (a:{{source}} {id: from_id})
MATCH (b:{{target}} {id: to_id})
CREATE (a)-[r:{{rel_type}}{{rel_properties}}]->(b)
