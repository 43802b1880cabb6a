// account_officers: practitioners in post whose record holds a role (demo accounts: the
// information governance officers, who alone may read the access review).
// params: role
// returns: id
MATCH (p:Practitioner)
WHERE p.role = $role AND p.lookup_authorised = true AND p.left_agency_on IS NULL
RETURN p.id AS id
ORDER BY id
