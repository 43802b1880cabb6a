// practice_meetings: meetings held on or before a date, with when the written outcome
// went to the family.
// params: as_of (date)
// returns: meeting_id, child_id, kind, held_on, written_outcome_sent_on
MATCH (mt:Meeting)-[:MEETING_ABOUT]->(c:Child)
WHERE mt.held_on <= $as_of
RETURN mt.id AS meeting_id, c.id AS child_id, mt.kind AS kind, mt.held_on AS held_on,
       mt.written_outcome_sent_on AS written_outcome_sent_on
ORDER BY meeting_id
