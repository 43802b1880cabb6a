// audit_append: add one entry to the access log (never updated or deleted).
// params: seq (int), at (string), requester_id (string), child_id (string), purpose (string), as_of (string), outcome (string), disclosed (list of string), bases (list of string), detail (string), prev_hash (string), hash (string)
// returns: seq
CREATE (e:AuditEntry {seq: $seq, at: $at, requester_id: $requester_id, child_id: $child_id,
                      purpose: $purpose, as_of: $as_of, outcome: $outcome,
                      disclosed: $disclosed, bases: $bases, detail: $detail,
                      prev_hash: $prev_hash, hash: $hash})
RETURN e.seq AS seq
