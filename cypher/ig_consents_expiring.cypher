// ig_consents_expiring: consents in force on a date that expire by a later date.
// params: as_of (date), until (date)
// returns: consent_id, child_id, expires_on
MATCH (k:Consent)-[:CONSENT_ABOUT]->(c:Child)
WHERE k.decision = 'given' AND k.expires_on IS NOT NULL
  AND k.expires_on > $as_of AND k.expires_on <= $until
  AND (k.withdrawn_on IS NULL OR k.withdrawn_on > $as_of)
RETURN k.id AS consent_id, c.id AS child_id, k.expires_on AS expires_on
ORDER BY expires_on, consent_id
