// child_household_children: the children who live in the child's household, the child
// itself among them, and whether each is shielded (the gate's household shield for one
// child on LadybugDB, where gate_shielded_households costs a join against every child:
// about 2.4 ms of CPU a lookup at 10,000 children, against 0.1 for this chain).
// The household takes a second MATCH, since Neo4j never follows one relationship twice
// in a pattern (the child itself may be the shielded one).
// params: child_id (string)
// returns: other_id, shielded
MATCH (c:Child {id: $child_id})-[:LIVES_IN]->(h:Household)
MATCH (h)<-[:LIVES_IN]-(o:Child)
RETURN o.id AS other_id, o.shielded AS shielded
