"""Built-in readers of citation formats, each a plugin module registered like a third-party one.

(The listing reader, papercite's main input, lives in :mod:`papercite.listing`.)
"""
