"""Messages about the input, in the one shape users see: ``FILE:LINE: message``.

Readers never print; they hand :class:`Diagnostic` objects to a
:class:`Diagnostics` collector, which the CLI renders and counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from papercite.model import Source
from papercite.text.safetext import one_line


class Severity(str, Enum):
    WARNING = "warning"  # the record was kept but something is doubtful
    ERROR = "error"  # the record (or the whole input) was skipped


@dataclass(frozen=True, slots=True)
class Diagnostic:
    source: Source | str  # a Source, or a bare file name for whole-file problems
    message: str
    severity: Severity = Severity.WARNING
    fatal: bool = False  # the input could not be read at all (exit 2)

    def __str__(self) -> str:
        # File names, titles and service answers in it are others' text: one line, no controls.
        return one_line(f"{self.source}: {self.severity.value}: {self.message}")


class Diagnostics:
    """Collects diagnostics and counts records, forwarding each message to ``emit``."""

    def __init__(self, emit: Callable[[Diagnostic], None] | None = None) -> None:
        self._emit = emit
        self.items: list[Diagnostic] = []
        self.read = 0
        self.skipped = 0

    def report(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)
        if diagnostic.severity is Severity.ERROR and not diagnostic.fatal:
            self.skipped += 1
        if self._emit is not None:
            self._emit(diagnostic)

    def warn(self, source: Source | str, message: str) -> None:
        self.report(Diagnostic(source, message, Severity.WARNING))

    def skip(self, source: Source | str, message: str) -> None:
        self.report(Diagnostic(source, message, Severity.ERROR))

    def fail(self, source: Source | str, message: str) -> None:
        self.report(Diagnostic(source, message, Severity.ERROR, fatal=True))

    @property
    def fatal(self) -> bool:
        return any(d.fatal for d in self.items)

    @property
    def counted(self) -> list[Diagnostic]:
        """Diagnostics that ``--strict`` turns into a failure."""
        return [d for d in self.items if not d.fatal]

    def summary(self) -> str:
        warnings = sum(1 for d in self.items if d.severity is Severity.WARNING)
        return (
            f"{self.read} record{'s' if self.read != 1 else ''} read, "
            f"{self.skipped} skipped, {warnings} warning{'s' if warnings != 1 else ''}"
        )
