// init_index (Neo4j only): a range index on a property lookups search by.
// template: label, prop, name
// params: none
// returns: nothing
CREATE INDEX {{name}} IF NOT EXISTS FOR (n:{{label}}) ON (n.{{prop}})
