"""The knowledge: graph/ read from YAML (with file and line for every problem), checked against
the schema, built into a networkx graph, plus the intent catalogue, the start-up snapshot and
the export. Depends only on errors and text.

    folders      which graph folder is read, and which files in it are node files
    loader       YAML read safely, every value remembering its line
    validation   StrictModel, and pydantic's complaints as Problems at their line
    schema       the shapes: graph files in, Node kept, Answer out; the link rules
    node_files   each node file read and each node checked on its own
    build        the nodes joined into one graph: links, orphans, name clashes
    graph        KnowledgeGraph, the queries the answer code asks
    catalogue    intents.yaml read and checked against the graph
    snapshot     the checked graph saved as JSON for a faster next start
    export       the graph as JSON, GraphML or DOT
"""
