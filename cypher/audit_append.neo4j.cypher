// audit_append (neo4j): add entries to the access log (never updated or deleted) and
// move its head, only if the head is still where the writer read it; otherwise nothing
// is written and no row comes back (one row per entry written). A unique sequence number
// stops two writers that raced past the check.
// The entries come as one list per field, the n-th entry's values at the n-th place of
// each (the form LadybugDB writes fastest; its lists count from 1, Neo4j's from 0).
// params: prev_seq (int), seq (int), hash (string), seqs (list of int), ats (list of string), requester_ids (list of string), child_ids (list of string), purposes (list of string), as_ofs (list of string), outcomes (list of string), disclosed (list of list of string), bases (list of list of string), details (list of string), flags (list of list of string), paths (list of string), channels (list of string), key_ids (list of string), prev_hashes (list of string), hashes (list of string)
// returns: seq
MATCH (h:AuditHead {id: 'head'})
WHERE h.seq = $prev_seq
SET h.seq = $seq, h.hash = $hash
WITH h
UNWIND range(0, size($seqs) - 1) AS i
CREATE (x:AuditEntry {seq: $seqs[i], at: $ats[i], requester_id: $requester_ids[i],
                      child_id: $child_ids[i], purpose: $purposes[i], as_of: $as_ofs[i],
                      outcome: $outcomes[i], disclosed: $disclosed[i], bases: $bases[i],
                      detail: $details[i], flags: $flags[i], path: $paths[i],
                      channel: $channels[i], key_id: $key_ids[i],
                      prev_hash: $prev_hashes[i], hash: $hashes[i]})
RETURN x.seq AS seq
