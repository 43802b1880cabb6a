// audit_head_init: create the access log's head if it is missing (a new store, or a log
// written before the head existed), from its newest entry; an existing head is kept.
// params: seq (int), hash (string)
// returns: seq, hash
MERGE (h:AuditHead {id: 'head'})
ON CREATE SET h.seq = $seq, h.hash = $hash
RETURN h.seq AS seq, h.hash AS hash
