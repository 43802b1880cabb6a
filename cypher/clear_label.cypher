// clear_label: delete every node of one label and its relationships. Used by
// `tacgraph db clear` and by tests between cases; never by an import.
// template: label
// params: none
// returns: nothing
MATCH (n:{{label}})
DETACH DELETE n
