"""Thin shells over the library API: the command line, the REPL, batch mode and rendering."""
