// case_children: the children of a case list, each with the fields the lookup needs.
// params: child_ids (list of string)
// returns: id, given_name, preferred_name, family_name, date_of_birth, expected_date, gender, shielded, address_line, postcode
UNWIND $child_ids AS wanted
MATCH (c:Child {id: wanted})
RETURN c.id AS id, c.given_name AS given_name, c.preferred_name AS preferred_name,
       c.family_name AS family_name, c.date_of_birth AS date_of_birth,
       c.expected_date AS expected_date, c.gender AS gender, c.shielded AS shielded,
       c.address_line AS address_line, c.postcode AS postcode
