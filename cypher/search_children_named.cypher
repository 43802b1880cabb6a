// search_children_named: what a search compares, for the children with one of the
// family names given, or one of the names given as a given, preferred or middle name
// (those search_family_names or search_names found that the searched name may match).
// params: family_names (list of string), names (list of string)
// returns: id, given_name, middle_names, family_name, preferred_name, date_of_birth, expected_date, gender, postcode, nhs_number, shielded
MATCH (c:Child)
WHERE c.family_name IN $family_names OR c.given_name IN $names
  OR c.preferred_name IN $names OR c.middle_names IN $names
RETURN c.id AS id, c.given_name AS given_name, c.middle_names AS middle_names,
  c.family_name AS family_name, c.preferred_name AS preferred_name,
  c.date_of_birth AS date_of_birth, c.expected_date AS expected_date, c.gender AS gender,
  c.postcode AS postcode, c.nhs_number AS nhs_number, c.shielded AS shielded
ORDER BY id
