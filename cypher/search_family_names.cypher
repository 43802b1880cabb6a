// search_family_names: every family name a child has, once each. A search by two names
// or more ("Sally Carter") compares these first: a child whose family name no reading of
// the words matches cannot match, so only the children of the names that do are read.
// params: none
// returns: name
MATCH (c:Child)
RETURN DISTINCT c.family_name AS name
ORDER BY name
