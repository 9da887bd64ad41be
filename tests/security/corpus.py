"""The XSS corpus (``xss_corpus.txt``): payloads, and the raw-HTML ones among them."""

from __future__ import annotations

import re
from pathlib import Path

CORPUS_FILE = Path(__file__).with_name("xss_corpus.txt")
LINE_BREAK = "\u2424"
_CODEPOINT = re.compile(r"\{U\+([0-9A-F]{4,6})\}")


def _decode(line: str) -> str:
    return _CODEPOINT.sub(lambda m: chr(int(m.group(1), 16)), line).replace(LINE_BREAK, "\n")


def _load() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = sections.setdefault("", [])
    for line in CORPUS_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("=== ") and line.endswith(" ==="):
            current = sections.setdefault(line[4:-4].strip(), [])
        elif line and not line.startswith(";; "):
            current.append(_decode(line))
    return sections


SECTIONS = _load()
PAYLOADS: list[str] = [p for payloads in SECTIONS.values() for p in payloads]
RAW_HTML_PAYLOADS: list[str] = [
    p for name, payloads in SECTIONS.items() if name.startswith("html-") for p in payloads
]
