// init_index (embedded): LadybugDB indexes the primary key only; secondary
// properties are scanned within one label, so there is nothing to create.
// template: label, prop, name
// params: none
// returns: nothing
RETURN 0 AS nothing
