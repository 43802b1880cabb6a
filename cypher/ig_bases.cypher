// ig_bases: every statutory basis, with whether it records who, when and the reason.
// params: none
// returns: basis_id, child_id, ground, recorded_on, recorded_by_id, has_reason
MATCH (b:StatutoryBasis)-[:BASIS_ABOUT]->(c:Child)
OPTIONAL MATCH (b)-[:RECORDED_BY]->(p:Practitioner)
RETURN b.id AS basis_id, c.id AS child_id, b.ground AS ground,
       b.recorded_on AS recorded_on, p.id AS recorded_by_id,
       (b.reason IS NOT NULL AND size(trim(b.reason)) > 0) AS has_reason
ORDER BY basis_id
