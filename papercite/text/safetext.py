"""Text from inputs and services, made safe for the places papercite writes it.

Titles, URLs, file names and service answers are written by others. Raw control
characters in them would reach terminals (ESC sequences), LaTeX and HTML; a line
break in a message could start a line of its own, and on a CI runner a line that
starts with ``::`` (or the older ``##[``) is a workflow command.
"""

from __future__ import annotations

import re

# C0 but tab and new line, DEL, and C1: never written raw into a text, HTML or .bib output.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]+")
# Line breaks (all that str.splitlines() splits on) and tab, for text that must stay on one line.
_BREAKS = re.compile("[\t\n\x0b\x0c\r\x1c-\x1e\x85\u2028\u2029]+")
_COMMAND_START = ("::", "##[")


_C0_BYTES = bytes(range(0x09)) + bytes(range(0x0B, 0x20)) + b"\x7f"


def has_controls(text: str) -> bool:
    """Does ``text`` hold a character of :data:`CONTROLS`? On the UTF-8 bytes at C speed
    (a regular-expression scan costs ~20 ns a character, most of an entry's export time):
    C0 and DEL are single bytes; C1 characters start with the byte 0xC2, and only text
    with that byte is scanned."""
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw.translate(None, _C0_BYTES)) != len(raw):
        return True
    return b"\xc2" in raw and CONTROLS.search(text) is not None


def without_controls(text: str) -> str:
    """``text`` with each run of :data:`CONTROLS` as one space (tab and new line stay), as
    the RIS exporter and reference managers treat them."""
    return CONTROLS.sub(" ", text) if has_controls(text) else text


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and control characters become a space, and a line
    that would start a CI workflow command gets a space in front."""
    if _BREAKS.search(text):
        text = _BREAKS.sub(" ", text)
    text = without_controls(text)
    return " " + text if text.startswith(_COMMAND_START) else text
