"""Understanding a question: which words matter, what it is about, which intent it asks, and
whether the graph can answer that. Reads the knowledge; knows nothing of answers."""
