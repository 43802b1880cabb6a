// audit_count: how many entries the access log holds, whatever their sequence numbers
// (an entry whose number is missing or not a number is counted, though no page reads it).
// params: none
// returns: count
MATCH (e:AuditEntry)
RETURN count(e) AS count
