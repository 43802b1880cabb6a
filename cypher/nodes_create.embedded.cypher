// nodes_create (embedded only): create a small batch of new nodes of one label from an
// Arrow table, row by row (COPY's fixed cost is many times that of a few rows' CREATE).
// template: label, properties
// params: rows (Arrow table with every column of the label, then its content hash)
// returns: nothing
LOAD FROM $rows
CREATE (n:{{label}} { {{properties}} })
