// count_nodes: how many nodes one label has.
// template: label
// params: none
// returns: count
MATCH (n:{{label}})
RETURN count(n) AS count
