// audit_append: add entries to the access log (never updated or deleted) and move its
// head, only if the head is still where the writer read it; otherwise nothing is written
// and no row comes back (one row per entry written). A unique sequence number stops two
// writers that raced past the check.
// params: prev_seq (int), seq (int), hash (string), entries (list of map: seq, at, requester_id, child_id, purpose, as_of, outcome, disclosed, bases, detail, prev_hash, hash)
// returns: seq
MATCH (h:AuditHead {id: 'head'})
WHERE h.seq = $prev_seq
SET h.seq = $seq, h.hash = $hash
WITH h
UNWIND $entries AS e
CREATE (x:AuditEntry {seq: e.seq, at: e.at, requester_id: e.requester_id,
                      child_id: e.child_id, purpose: e.purpose, as_of: e.as_of,
                      outcome: e.outcome, disclosed: e.disclosed, bases: e.bases,
                      detail: e.detail, prev_hash: e.prev_hash, hash: e.hash})
RETURN x.seq AS seq
