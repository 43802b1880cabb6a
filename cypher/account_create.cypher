// account_create: a new sign-in account bound to a practitioner.
// params: account_id, practitioner_id, roles, password_hash, totp_secret, oidc_subject, state, created_at, created_by
// returns: id
CREATE (a:Account {id: $account_id, practitioner_id: $practitioner_id, roles: $roles,
  password_hash: $password_hash, totp_secret: $totp_secret, totp_last: 0,
  oidc_subject: $oidc_subject, state: $state, failures: 0, locked_until: '',
  session_epoch: 0, created_at: $created_at, created_by: $created_by})
RETURN a.id AS id
