// init_audit (embedded): the append-only access log.
// params: none
// returns: nothing
CREATE NODE TABLE IF NOT EXISTS AuditEntry(seq INT64, at STRING, requester_id STRING, child_id STRING, purpose STRING, as_of STRING, outcome STRING, disclosed STRING[], bases STRING[], detail STRING, flags STRING[], path STRING, channel STRING, key_id STRING, prev_hash STRING, hash STRING, PRIMARY KEY (seq))
