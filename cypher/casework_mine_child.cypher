// casework_mine_child: a practitioner's involvements with one child (any dates), for the
// child's page: the columns of casework_mine.
// params: practitioner_id, child_id
// returns: involvement_id, child_id, level, started_on, ended_on
MATCH (p:Practitioner {id: $practitioner_id})<-[:INVOLVEMENT_OF]-(i:Involvement)-[:INVOLVED_WITH]->(c:Child {id: $child_id})
RETURN i.id AS involvement_id, c.id AS child_id, i.level AS level, i.started_on AS started_on,
  i.ended_on AS ended_on
ORDER BY started_on DESC, involvement_id
