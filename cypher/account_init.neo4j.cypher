// account_init (Neo4j): sign-in accounts have unique ids (not import data).
// params: none
// returns: nothing
CREATE CONSTRAINT account_id IF NOT EXISTS FOR (a:Account) REQUIRE a.id IS UNIQUE
