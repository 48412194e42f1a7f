"""The knowledge: graph/ read from YAML (with file and line for every problem), checked against
the schema, built into a networkx graph, plus the intent catalogue, the start-up snapshot and
the export. Depends only on errors and text."""
