"""Find what would run in a browser: the executable constructs of an HTML page or fragment.

A page of this site may hold scripts only by reference to its own static files; everything
else on the list below is a finding, wherever it sits: a ``<script>`` with content or from
elsewhere, ``on*`` attributes, ``javascript:``, ``vbscript:`` and ``data:`` URLs in any URL
attribute (after removing what browsers ignore: controls, spaces, tabs and line breaks),
``srcdoc``, frames, ``<object>``/``<embed>``/``<applet>``, ``<base>``,
``<meta http-equiv=refresh>``, ``<link rel=import>``, CSS that runs code (``expression(``,
``url(javascript:``, ``behavior:``, ``-moz-binding``, ``@import``) in a ``style`` attribute or
element, and htmx's ``hx-on``.

Parsed with the standard library's tokenizer: the battery asks whether the served HTML holds
such a construct at all, and the browser tests (tests/browser/test_hostile.py) check a sample
in Chromium, whose parser is the one that matters.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

STATIC_PREFIX = "/static/"
# Scripts a page of this site may load: its static files, and the admin's translations.
SCRIPT_SOURCES = (STATIC_PREFIX, "/admin/jsi18n/")
URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
        "dynsrc", "lowsrc", "codebase", "ping", "srcset", "to", "from", "values", "cite",
        "longdesc", "usemap", "manifest", "icon", "archive", "classid", "profile",
    }
)  # fmt: skip
FRAMES = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "portal", "base"})
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")
_BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data|livescript|mocha):", re.IGNORECASE)
_BAD_CSS = re.compile(
    r"expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding|@import", re.IGNORECASE
)


def is_executable_url(value: str) -> bool:
    candidate = _IGNORED_IN_URLS.sub("", value)
    return bool(_BAD_SCHEME.match(candidate))


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self._script: tuple[str, str] | None = None  # (src, type) of the open <script>
        self._script_text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script":
            self._script = (values.get("src", ""), values.get("type", ""))
            self._script_text = []
            src = values.get("src", "")
            if src and not src.startswith(SCRIPT_SOURCES):
                self.findings.append(f"<script src={src!r}>")
            if not src and values.get("type", "").lower() != "application/json":
                self.findings.append("<script> without a static src")
        elif tag in FRAMES:
            self.findings.append(f"<{tag}>")
        elif tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.findings.append("<meta http-equiv=refresh>")
        elif tag == "link" and "import" in values.get("rel", "").lower().split():
            self.findings.append("<link rel=import>")
        elif tag == "style":
            self._in_style = True
        for name, value in values.items():
            if name.startswith("on"):
                self.findings.append(f"<{tag} {name}=...>")
            elif name in URL_ATTRIBUTES and any(
                is_executable_url(part) for part in _url_parts(name, value)
            ):
                self.findings.append(f"<{tag} {name}={value[:60]!r}>")
            elif name == "srcdoc":
                self.findings.append(f"<{tag} srcdoc>")
            elif name == "style" and _BAD_CSS.search(value):
                self.findings.append(f"<{tag} style={value[:60]!r}>")
            elif name.startswith(("hx-on", "data-hx-on")):
                self.findings.append(f"<{tag} {name}>")
            elif name == "attributename" and value.lower().lstrip().startswith("on"):
                self.findings.append(f"<{tag} attributeName={value!r}>")  # SVG <set>/<animate>

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._script = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            if "".join(self._script_text).strip() and self._script[1].lower() != "application/json":
                self.findings.append("<script> with inline code")
            self._script = None
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)
        elif self._in_style and _BAD_CSS.search(data):
            self.findings.append(f"<style>{data[:60]!r}")


def _url_parts(name: str, value: str) -> list[str]:
    if name == "srcset":
        return [candidate.strip().split(" ")[0] for candidate in value.split(",")]
    if name == "values":
        return value.split(";")
    return [value]


def executable_constructs(html: str) -> list[str]:
    """What in ``html`` would run in a browser (empty: nothing)."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    if finder._script is not None and "".join(finder._script_text).strip():
        finder.findings.append("unclosed <script> with code")
    return finder.findings
