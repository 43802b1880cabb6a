// audit_last: the newest entry of the access log.
// params: none
// returns: seq, hash
MATCH (e:AuditEntry)
RETURN e.seq AS seq, e.hash AS hash
ORDER BY seq DESC
LIMIT 1
