"""papercite: turn lists of research papers into citations, and keep their links healthy."""

__version__ = "0.1.0"
