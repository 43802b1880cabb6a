// child_family_household_children: for each of the child's family members, the
// children who live in that member's household (the child itself may be among them) and
// whether each is shielded: the other half of the gate's household shield for one child
// on LadybugDB (child_household_children says why).
// params: child_id (string)
// returns: family_member_id, other_id, shielded
MATCH (c:Child {id: $child_id})<-[:FAMILY_OF]-(f:FamilyMember)-[:LIVES_IN]->(h:Household)<-[:LIVES_IN]-(o:Child)
RETURN f.id AS family_member_id, o.id AS other_id, o.shielded AS shielded
