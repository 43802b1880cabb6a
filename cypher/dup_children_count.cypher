// dup_children_count: how many child records the store holds.
// params: none
// returns: children
MATCH (c:Child)
RETURN count(c) AS children
