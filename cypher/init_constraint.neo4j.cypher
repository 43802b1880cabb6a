// init_constraint (Neo4j only): ids are unique within a label.
// template: label, name
// params: none
// returns: nothing
CREATE CONSTRAINT {{name}} IF NOT EXISTS FOR (n:{{label}}) REQUIRE n.id IS UNIQUE
