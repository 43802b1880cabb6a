// node_hashes_set: keep with each node of one label the content hash of the record it
// was written from (set once the record's node and edges are all written).
// template: label
// params: rows (list of maps: id, hash)
// returns: nothing
UNWIND $rows AS row
MATCH (n:{{label}} {id: row.id})
SET n.content_hash = row.hash
