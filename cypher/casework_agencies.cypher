// casework_agencies: every agency, for choosing whom a statutory basis lets see.
// params: none
// returns: id, name, level, sensitive
MATCH (g:Agency)
RETURN g.id AS id, g.name AS name, g.level AS level, g.sensitive AS sensitive
ORDER BY name, id
