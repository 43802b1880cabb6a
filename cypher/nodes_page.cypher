// nodes_page: a page of the nodes of one label, in id order (for export).
// template: label, returns
// params: after (string: last id of the previous page, "" for the first), limit (int)
// returns: one column per property of the label
MATCH (n:{{label}})
WHERE n.id > $after
RETURN {{returns}}
ORDER BY n.id
LIMIT $limit
