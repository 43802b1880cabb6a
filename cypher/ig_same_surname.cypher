// ig_same_surname: whether a child shares the requester's surname (ContactPoint found
// staff looking up their own families).
// params: requester_id (string), child_id (string)
// returns: same
MATCH (p:Practitioner {id: $requester_id}), (c:Child {id: $child_id})
RETURN lower(p.family_name) = lower(c.family_name) AS same
