// account_user: what every signed-in request checks, in one read: the account's standing
// (state, lock, session epoch, roles, the practitioner it is bound to) and the name and
// agency of the practitioner the session names (no row for them when there is none).
// params: account_id, practitioner_id
// returns: id, practitioner_id, roles, state, locked_until, session_epoch, given_name, family_name, agency
MATCH (a:Account {id: $account_id})
OPTIONAL MATCH (p:Practitioner {id: $practitioner_id})-[:WORKS_FOR]->(g:Agency)
RETURN a.id AS id, a.practitioner_id AS practitioner_id, a.roles AS roles, a.state AS state,
  a.locked_until AS locked_until, a.session_epoch AS session_epoch,
  p.given_name AS given_name, p.family_name AS family_name, g.name AS agency
