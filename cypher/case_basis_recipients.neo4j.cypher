// case_basis_recipients: whom each statutory basis named, found by its id, permits
// sharing with: a practitioner or an agency, as the recipient's label and id.
// params: basis_ids (list of string)
// returns: basis_id, to_label, to_id
UNWIND $basis_ids AS wanted
MATCH (b:StatutoryBasis {id: wanted})
OPTIONAL MATCH (b)-[:PERMITS]->(t)
RETURN b.id AS basis_id, head(labels(t)) AS to_label, t.id AS to_id
