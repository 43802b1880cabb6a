// nodes_by_id: the stored properties of the nodes of one label with the given ids.
// template: label, returns
// params: ids (list of string)
// returns: one column per property of the label
UNWIND $ids AS wanted
MATCH (n:{{label}} {id: wanted})
RETURN {{returns}}
