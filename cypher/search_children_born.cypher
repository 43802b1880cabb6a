// search_children_born: what a search compares, for the children born on one date (a
// search that gives a date of birth keeps no other child: the rest are never read).
// params: date_of_birth (date)
// returns: id, given_name, middle_names, family_name, preferred_name, date_of_birth, expected_date, gender, postcode, nhs_number, shielded
MATCH (c:Child)
WHERE c.date_of_birth = $date_of_birth
RETURN c.id AS id, c.given_name AS given_name, c.middle_names AS middle_names,
  c.family_name AS family_name, c.preferred_name AS preferred_name,
  c.date_of_birth AS date_of_birth, c.expected_date AS expected_date, c.gender AS gender,
  c.postcode AS postcode, c.nhs_number AS nhs_number, c.shielded AS shielded
ORDER BY id
