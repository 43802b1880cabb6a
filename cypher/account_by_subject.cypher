// account_by_subject: the account bound to a single sign-on subject (OpenID Connect 'sub').
// params: subject
// returns: id
MATCH (a:Account)
WHERE a.oidc_subject = $subject
RETURN a.id AS id
ORDER BY id
