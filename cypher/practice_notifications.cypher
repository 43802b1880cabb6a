// practice_notifications: formal notifications of step-downs and closures sent on or
// before a date, and to whom (a family member, an agency or the child).
// params: as_of (date)
// returns: notification_id, change_id, family_member_id, agency_id, to_child
MATCH (n:Notification)-[:NOTIFIES_OF]->(lc:LevelChange)
WHERE n.sent_on <= $as_of
OPTIONAL MATCH (n)-[:NOTIFIED]->(f:FamilyMember)
OPTIONAL MATCH (n)-[:NOTIFIED]->(a:Agency)
RETURN n.id AS notification_id, lc.id AS change_id, f.id AS family_member_id,
       a.id AS agency_id, n.to_child AS to_child
ORDER BY notification_id
