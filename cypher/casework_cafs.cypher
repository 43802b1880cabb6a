// casework_cafs: a child's CAFs (any state): the open one's team receives a handover.
// params: child_id
// returns: caf_id, state, started_on, closed_on
MATCH (c:Child {id: $child_id})<-[:ASSESSES]-(f:Caf)
RETURN f.id AS caf_id, f.state AS state, f.started_on AS started_on, f.closed_on AS closed_on
ORDER BY caf_id
