// child_family: a child's family members and their relation to the child (their
// household's address comes from child_family_homes).
// One linear MATCH chain from the child, found by its id, with no WHERE and no OPTIONAL
// MATCH: the form LadybugDB answers by index lookups alone (the caller filters by date
// and joins the chains; case_* reads a case list, case_read is Neo4j's one statement).
// params: child_id (string)
// returns: family_member_id, given_name, family_name, phone, relationship, parental_responsibility, carer
MATCH (c:Child {id: $child_id})<-[fr:FAMILY_OF]-(f:FamilyMember)
RETURN f.id AS family_member_id, f.given_name AS given_name, f.family_name AS family_name,
       f.phone AS phone, fr.relationship AS relationship,
       fr.parental_responsibility AS parental_responsibility, fr.carer AS carer
