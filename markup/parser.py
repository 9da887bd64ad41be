"""The markdown-it parser: CommonMark with tables and footnotes, our rules, a final pass.

Where a rule sits matters: the metering rules of ``limits`` come first in their chains so
they are charged before any other rule runs; the wiki-link rule comes before ``link`` so
``[[target]]`` is ours before markdown-it tries it as a link; ``finish`` comes after the
inline rules so it sees the final tokens, and the glossary's auto-links come after it, once
the body's own ``[[links]]`` are known.
"""

from __future__ import annotations

import re

from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.rules_core import StateCore
from mdit_py_plugins.footnote import footnote_plugin

from . import glossary, limits, sanitise, wikilinks
from .headings import Heading, id_base, plain_text, unique_id

_FENCE_LANG_RE = re.compile(r"[^\w+#.-]")


def build_parser(*, headings: bool) -> MarkdownIt:
    """``breaks``: a line break inside a paragraph shows as one (see ``markup``); ``linkify``:
    bare ``http(s)://`` URLs become links, through our bounded rule only (markdown-it's core
    linkify pass, which also guesses links in words like "setup.py", stays off)."""
    md = MarkdownIt(
        "commonmark",
        {"html": False, "maxNesting": limits.MAX_NESTING, "breaks": True, "linkify": True},
    )
    md.linkify = LinkifyIt(options={"fuzzy_link": False, "fuzzy_email": False})
    md.enable(["table", "linkify"])
    md.core.ruler.disable("linkify")
    md.inline.ruler.at("linkify", limits.bare_url)
    if not headings:
        md.disable(["heading", "lheading"])
    md.use(footnote_plugin, inline=False)
    md.inline.ruler.at("footnote_ref", limits.bounded_footnote_ref)
    md.inline.ruler.before("link", "wikilink", limits.charged_wikilink)
    # Also in the terminator chains, so it runs once per line of every paragraph, list,
    # quote and table row: multi-line blocks are charged for their lines.
    md.block.ruler.before(
        "table",
        "step",
        limits.block_step,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.before("text", "step", limits.inline_step)
    md.inline.ruler.at("emphasis", limits.charged_emphasis)
    md.inline.ruler.at("autolink", limits.charged_autolink)
    md.inline.ruler.at("image", limits.charged_image)
    md.core.ruler.push("finish", finish)
    md.core.ruler.push("glossary", glossary.autolink)
    md.validateLink = sanitise.is_safe_url  # type: ignore[method-assign]
    md.add_render_rule("link_open", sanitise.render_link_open)
    md.add_render_rule("wikilink_open", wikilinks.render_wikilink_open)
    md.add_render_rule("wikilink_close", wikilinks.render_wikilink_close)
    md.add_render_rule("glossary_link_open", glossary.render_glossary_link_open)
    md.add_render_rule("glossary_link_close", glossary.render_glossary_link_close)
    md.add_render_rule("glossary_escape", glossary.render_escape)
    return md


def finish(state: StateCore) -> None:
    """One pass over the final tokens: heading ids, toc, wiki-link targets, table alignment."""
    env = state.env
    toc: list[Heading] = []
    found_wikilinks: dict[str, None] = {}
    used_ids: set[str] = set(env.get("reserved_ids", ()))
    next_suffix: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "inline":
            for child in token.children or ():
                if child.type == "wikilink_open":
                    found_wikilinks[child.meta["slug"]] = None
            if len(found_wikilinks) > limits.MAX_WIKILINK_TARGETS:
                raise limits.RenderError(
                    limits.gettext_noop(
                        "Body links to more than %(most)s different terms; "
                        "split it into several terms."
                    ),
                    reason="links",
                    params={"most": f"{limits.MAX_WIKILINK_TARGETS:,}"},
                )
        elif token.type == "heading_open":
            if token.tag == "h1":
                # The page's own title is its only <h1>; a body's top level starts at <h2>.
                token.tag = tokens[index + 2].tag = "h2"
            text = plain_text(tokens[index + 1].children or ())
            level = int(token.tag[1])
            heading_id = unique_id(id_base(text), used_ids, next_suffix)
            token.attrSet("id", heading_id)
            if 2 <= level <= 4:
                toc.append(Heading(level=level, id=heading_id, text=text))
        elif token.type in {"th_open", "td_open"}:
            style = str(token.attrs.pop("style", ""))
            if style.startswith("text-align:"):
                token.attrSet("class", "align-" + style.removeprefix("text-align:"))
        elif token.type == "fence" and token.info:
            lang = unescapeAll(token.info).split(maxsplit=1)
            token.info = _FENCE_LANG_RE.sub("", lang[0]) if lang else ""
    env["toc"] = toc
    env["wikilinks"] = found_wikilinks
