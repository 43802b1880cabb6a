// init_audit_head (Neo4j): the access log's head, one node naming its newest entry.
// params: none
// returns: nothing
CREATE CONSTRAINT audithead_id IF NOT EXISTS FOR (h:AuditHead) REQUIRE h.id IS UNIQUE
