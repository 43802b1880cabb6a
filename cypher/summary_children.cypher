// summary_children: headline counts of the children held; unborn: not born by $today
// (an expected date, or a date of birth after it), as search and who-else say.
// params: today
// returns: children, unborn, looked_after, shielded, with_nhs_number
MATCH (c:Child)
RETURN count(c) AS children,
       sum(CASE WHEN c.expected_date IS NOT NULL OR c.date_of_birth > $today THEN 1 ELSE 0 END) AS unborn,
       sum(CASE WHEN c.looked_after THEN 1 ELSE 0 END) AS looked_after,
       sum(CASE WHEN c.shielded THEN 1 ELSE 0 END) AS shielded,
       sum(CASE WHEN c.nhs_number IS NOT NULL THEN 1 ELSE 0 END) AS with_nhs_number
