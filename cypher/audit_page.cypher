// audit_page: access log entries after a sequence number, in order; only a requester's,
// only about a child, only from a time on (each filter off when empty: '').
// params: after (int), limit (int), requester_id (string), child_id (string), since (string)
// returns: seq, at, requester_id, child_id, purpose, as_of, outcome, disclosed, bases, detail, flags, path, channel, key_id, prev_hash, hash
MATCH (e:AuditEntry)
WHERE e.seq > $after
  AND ($requester_id = '' OR e.requester_id = $requester_id)
  AND ($child_id = '' OR e.child_id = $child_id)
  AND ($since = '' OR e.at >= $since)
RETURN e.seq AS seq, e.at AS at, e.requester_id AS requester_id, e.child_id AS child_id,
       e.purpose AS purpose, e.as_of AS as_of, e.outcome AS outcome,
       e.disclosed AS disclosed, e.bases AS bases, e.detail AS detail, e.flags AS flags,
       e.path AS path, e.channel AS channel, e.key_id AS key_id,
       e.prev_hash AS prev_hash, e.hash AS hash
ORDER BY seq
LIMIT $limit
