"""The ``tacgraph`` command line: parses, calls the library, prints."""
