// node_hashes: the content hash stored with each node of one label with the given ids
// (the hash of the record an import last wrote it from; null where none is kept yet), as
// one list of [id, content_hash] pairs: a row per node cost Neo4j about four times as
// much as the index seek that finds it (docs/decisions/import-speed.md).
// template: label
// params: ids (list of string)
// returns: pairs
UNWIND $ids AS wanted
MATCH (n:{{label}} {id: wanted})
RETURN collect([n.id, n.content_hash]) AS pairs
