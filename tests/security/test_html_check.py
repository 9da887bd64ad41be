"""The checker is not blind: it finds the raw payloads, and passes the site's own pages."""

from __future__ import annotations

import html

import pytest

from tests.security.corpus import PAYLOADS, RAW_HTML_PAYLOADS
from tests.security.html_check import executable_constructs


@pytest.mark.parametrize(
    "fragment",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x oNeRrOr=alert(1)>",
        '<a href="&#106;ava&#x09;script:alert(1)">x</a>',
        '<a href=" JAVASCRIPT:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
        '<form action="javascript:alert(1)"><button>go</button></form>',
        '<button formaction="javascript:alert(1)">x</button>',
        "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
        "<object data=x></object>",
        "<embed src=x>",
        "<svg><script>alert(1)</script></svg>",
        '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
        '<svg><set attributeName="onmouseover" to="alert(1)"/></svg>',
        '<div style="width: expression(alert(1))">',
        "<style>body{background:url(javascript:alert(1))}</style>",
        '<base href="javascript:alert(1)//">',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<div hx-on:click="alert(1)">x</div>',
        '<img srcset="x 1x, javascript:alert(1) 2x">',
    ],
)
def test_finds_each_kind(fragment):
    assert executable_constructs(fragment), fragment


@pytest.mark.parametrize(
    "fragment",
    [
        '<script src="/static/js/search-suggest.js" defer></script>',
        '<a href="/terms/alpha/">alpha</a><a href="https://example.org/">x</a>',
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; onerror=alert(1) javascript:alert(1)</p>",
        '<a title="&quot; onmouseover=&quot;alert(1)" href="/x">x</a>',
        '<img src="https://example.org/a.png" alt="javascript:alert(1)">',
        '<form method="post" action="/terms/alpha/edit/"><button>Save</button></form>',
        "<pre><code>&lt;svg onload=alert(1)&gt;</code></pre>",
    ],
)
def test_passes_what_cannot_run(fragment):
    assert executable_constructs(fragment) == []


def test_the_corpus_is_big_and_its_raw_html_would_run():
    assert len(PAYLOADS) >= 200
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    flagged = [p for p in RAW_HTML_PAYLOADS if executable_constructs(p)]
    # Served raw, the HTML payloads run; escaped, none does.
    assert len(flagged) >= 0.9 * len(RAW_HTML_PAYLOADS), set(RAW_HTML_PAYLOADS) - set(flagged)
    assert not [p for p in PAYLOADS if executable_constructs(html.escape(p))]
