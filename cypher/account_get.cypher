// account_get: one sign-in account by its id: the columns of account_list, then its
// secrets and session epoch.
// params: account_id
// returns: id, practitioner_id, roles, state, failures, locked_until, oidc_subject, created_at, created_by, password_hash, totp_secret, totp_last, session_epoch
MATCH (a:Account {id: $account_id})
RETURN a.id AS id, a.practitioner_id AS practitioner_id, a.roles AS roles, a.state AS state,
  a.failures AS failures, a.locked_until AS locked_until, a.oidc_subject AS oidc_subject,
  a.created_at AS created_at, a.created_by AS created_by,
  a.password_hash AS password_hash, a.totp_secret AS totp_secret, a.totp_last AS totp_last,
  a.session_epoch AS session_epoch
