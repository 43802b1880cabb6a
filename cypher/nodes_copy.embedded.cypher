// nodes_copy (embedded only): bulk-load new nodes of one label from an Arrow table.
// template: label
// params: rows (Arrow table with every column of the label, in schema order)
// returns: nothing
COPY {{label}} FROM $rows
