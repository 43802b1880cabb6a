// lookup_child: one child's own record, as the lookup needs it.
// params: child_id (string)
// returns: id, given_name, preferred_name, family_name, date_of_birth, expected_date, gender, shielded, address_line, postcode
MATCH (c:Child {id: $child_id})
RETURN c.id AS id, c.given_name AS given_name, c.preferred_name AS preferred_name,
       c.family_name AS family_name, c.date_of_birth AS date_of_birth,
       c.expected_date AS expected_date, c.gender AS gender, c.shielded AS shielded,
       c.address_line AS address_line, c.postcode AS postcode
