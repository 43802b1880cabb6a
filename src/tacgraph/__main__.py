"""python -m tacgraph"""

from tacgraph.cli.app import main

main()
