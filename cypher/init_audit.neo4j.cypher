// init_audit (Neo4j): the append-only access log; one entry per sequence number.
// params: none
// returns: nothing
CREATE CONSTRAINT auditentry_seq IF NOT EXISTS FOR (e:AuditEntry) REQUIRE e.seq IS UNIQUE
