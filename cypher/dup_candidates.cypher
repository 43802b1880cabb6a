// dup_candidates: records that might be another record of a child: born on one of the
// given dates (its date of birth, and the same with day and month swapped), with its
// NHS number, or with both its given and family names.
// params: child_id (string), dates (list of date)
// returns: id
MATCH (c:Child {id: $child_id})
MATCH (o:Child)
WHERE o.id <> c.id
  AND (o.date_of_birth IN $dates OR o.expected_date IN $dates
       OR o.nhs_number = c.nhs_number
       OR (o.family_name = c.family_name AND o.given_name = c.given_name))
RETURN o.id AS id
ORDER BY id
