// account_get: one sign-in account by its id.
// params: account_id
// returns: id, practitioner_id, roles, password_hash, totp_secret, totp_last, oidc_subject, state, failures, locked_until, session_epoch, created_at, created_by
MATCH (a:Account {id: $account_id})
RETURN a.id AS id, a.practitioner_id AS practitioner_id, a.roles AS roles,
  a.password_hash AS password_hash, a.totp_secret AS totp_secret, a.totp_last AS totp_last,
  a.oidc_subject AS oidc_subject, a.state AS state, a.failures AS failures,
  a.locked_until AS locked_until, a.session_epoch AS session_epoch,
  a.created_at AS created_at, a.created_by AS created_by
