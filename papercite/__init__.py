"""papercite: turn lists of research papers into citations, and keep their links healthy.

The Python API (:mod:`papercite.api`) is importable from here: ``papercite.read``,
``papercite.export``, ``papercite.convert``, ``papercite.enrich``, ``papercite.check_links``.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "check_links", "convert", "enrich", "export", "read", "registry"]
_API = frozenset(__all__) - {"__version__"}


def __getattr__(name: str) -> Any:
    # Loaded on first use: the command line and the plugins import this package for
    # __version__ alone, and should not pay for the whole pipeline.
    if name in _API:
        from papercite import api

        return getattr(api, name)
    raise AttributeError(f"module 'papercite' has no attribute {name!r}")


def __dir__() -> list[str]:
    # PEP 562: the lazily loaded API shows in dir(), so tab completion (IPython, Jupyter) offers it.
    return sorted({*globals(), *__all__})
