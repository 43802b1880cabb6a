// account_init (embedded): the table of sign-in accounts (not import data).
// params: none
// returns: nothing
CREATE NODE TABLE IF NOT EXISTS Account(id STRING, practitioner_id STRING, roles STRING[], password_hash STRING, totp_secret STRING, totp_last INT64, oidc_subject STRING, state STRING, failures INT64, locked_until STRING, session_epoch INT64, created_at STRING, created_by STRING, PRIMARY KEY (id))
