// edges_create (embedded only): create a small batch of new edges of one (source, type,
// target) triple from an Arrow table (COPY's fixed cost is many times a few rows').
// template: source, rel_type, target, rel_properties
// params: rows (Arrow table: from_id, to_id, then the edge properties)
// returns: nothing
LOAD FROM $rows
MATCH (a:{{source}} {id: from_id}), (b:{{target}} {id: to_id})
CREATE (a)-[r:{{rel_type}}{{rel_properties}}]->(b)
