// init_audit_head (embedded): the access log's head, one node naming its newest entry.
// params: none
// returns: nothing
CREATE NODE TABLE IF NOT EXISTS AuditHead(id STRING, seq INT64, hash STRING, PRIMARY KEY (id))
