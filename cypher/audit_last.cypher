// audit_last: the newest entry of the access log.
// params: none
// returns: seq, hash, key_id
MATCH (e:AuditEntry)
RETURN e.seq AS seq, e.hash AS hash, e.key_id AS key_id
ORDER BY seq DESC
LIMIT 1
