// account_update: the mutable fields of an account, written together.
// params: account_id, roles, password_hash, totp_secret, totp_last, oidc_subject, state, failures, locked_until, session_epoch
// returns: id
MATCH (a:Account {id: $account_id})
SET a.roles = $roles, a.password_hash = $password_hash, a.totp_secret = $totp_secret,
  a.totp_last = $totp_last, a.oidc_subject = $oidc_subject, a.state = $state,
  a.failures = $failures, a.locked_until = $locked_until, a.session_epoch = $session_epoch
RETURN a.id AS id
