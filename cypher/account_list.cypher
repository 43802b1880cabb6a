// account_list: every sign-in account with its practitioner's name, for administrators.
// params: none
// returns: id, practitioner_id, roles, state, failures, locked_until, oidc_subject, created_at, created_by
MATCH (a:Account)
RETURN a.id AS id, a.practitioner_id AS practitioner_id, a.roles AS roles, a.state AS state,
  a.failures AS failures, a.locked_until AS locked_until, a.oidc_subject AS oidc_subject,
  a.created_at AS created_at, a.created_by AS created_by
ORDER BY id
