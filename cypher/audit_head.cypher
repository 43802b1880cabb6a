// audit_head: the access log's head: the sequence number and hash of its newest entry.
// params: none
// returns: seq, hash
MATCH (h:AuditHead {id: 'head'})
RETURN h.seq AS seq, h.hash AS hash
