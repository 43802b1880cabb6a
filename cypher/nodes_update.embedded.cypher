// nodes_update (embedded): replace every property of existing nodes of one label
// (new nodes are bulk-loaded with COPY instead). Rows come as a typed Arrow table so
// that nulls keep their column types.
// template: label, assignments
// params: rows (Arrow table with every column of the label)
// returns: nothing
LOAD FROM $rows
MATCH (n:{{label}} {id: id})
SET {{assignments}}
