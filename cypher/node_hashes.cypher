// node_hashes: the content hash stored with each node of one label with the given ids
// (the hash of the record an import last wrote it from; null where none is kept yet).
// template: label
// params: ids (list of string)
// returns: id, content_hash
UNWIND $ids AS wanted
MATCH (n:{{label}} {id: wanted})
RETURN n.id AS id, n.content_hash AS content_hash
