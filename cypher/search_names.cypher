// search_names: every name a child has (given, preferred, middle or family), once each.
// A search by a name of one word compares these first: a child none of whose names
// holds a word like it cannot match, so only the children of the names that do are read.
// params: none
// returns: name
MATCH (c:Child)
UNWIND [c.given_name, c.preferred_name, c.middle_names, c.family_name] AS name
WITH DISTINCT name
WHERE name IS NOT NULL
RETURN name
ORDER BY name
