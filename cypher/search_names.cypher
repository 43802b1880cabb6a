// search_names: every name a child has (given, preferred, middle or family), once each.
// A search by one name (a word, or words joined by hyphens or apostrophes: "Mary-Jane")
// compares these first: a child none of whose names is like it (word by word or run
// together) cannot match, so only the children of the names like it are read.
// params: none
// returns: name
MATCH (c:Child)
UNWIND [c.given_name, c.preferred_name, c.middle_names, c.family_name] AS name
WITH DISTINCT name
WHERE name IS NOT NULL
RETURN name
ORDER BY name
