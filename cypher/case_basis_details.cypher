// case_basis_details: each statutory basis named, found by its id, with what it records
// and who recorded it.
// params: basis_ids (list of string)
// returns: basis_id, ground, recorded_on, reason, scopes, valid_until, recorded_by_id
UNWIND $basis_ids AS wanted
MATCH (b:StatutoryBasis {id: wanted})
OPTIONAL MATCH (b)-[:RECORDED_BY]->(rb:Practitioner)
RETURN b.id AS basis_id, b.ground AS ground, b.recorded_on AS recorded_on,
       b.reason AS reason, b.scopes AS scopes, b.valid_until AS valid_until,
       rb.id AS recorded_by_id
