"""The interface is translatable: no template text goes out unmarked, the shipped catalogue is
complete, and choosing a language changes the pages.

The template check reads every template the way Django does (its own Lexer), so a string
inside ``{% translate %}`` or ``{% blocktranslate %}`` is known to be marked, and everything
else a reader could see is not: text between tags, and the attributes a browser shows or
reads aloud (``title``, ``alt``, ``placeholder``, ``aria-label``, a ``<meta>``
description, the ``value`` of an ``<input>`` button).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

ROOT = Path(settings.BASE_DIR)
LANGUAGE = "fr"
CATALOGUE = ROOT / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"

# Attributes whose values a reader sees or hears.
VISIBLE_ATTRIBUTES = frozenset(
    {"title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription"}
)
# Text that is the same in every language. Kept short on purpose; each entry says why.
ALLOWED = frozenset(
    {
        "RSS",  # a format's name, the same in every language
        "Atom",  # likewise
        "Markdown",  # likewise
        "API",  # likewise
        "OpenAPI",  # likewise
        "Commonplace",  # the brand (SITE_NAME), never translated
        "English",  # a language's own name, shown in itself in the language switcher
        "Français",  # likewise
        "r",  # the revision prefix in "r12", a symbol like "#" or "§"
    }
)
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A request answered in French leaves French active in this thread (LocaleMiddleware
    does not undo it); later tests expect the default."""
    from django.utils import translation

    yield
    translation.deactivate()


def template_files() -> list[Path]:
    roots = [ROOT / "templates"]
    roots += [p for p in ROOT.glob("*/templates") if ".venv" not in p.parts]
    return sorted(p for root in roots for p in root.rglob("*") if p.suffix in {".html", ".txt"})


class _VisibleText(HTMLParser):
    """Collects text a reader sees: character data (not in <script> or <style>) and the
    visible attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        names = dict(attrs)
        for name, value in attrs:
            if value and name in VISIBLE_ATTRIBUTES:
                self.found.append(value)
        if tag == "meta" and names.get("name") == "description" and names.get("content"):
            self.found.append(names["content"] or "")
        if tag == "input" and names.get("type") in {"submit", "button", "reset"}:
            self.found.append(names.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.found.append(data)


def unmarked_words(source: str, *, html: bool) -> list[str]:
    """Words in ``source`` that would reach a reader without passing through a
    translation tag. Template tags and variables become a space: what they print is
    either marked where it is made or is content (a term's title, a member's name)."""
    parts: list[str] = []
    skip_until: str | None = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(" ", 1)[0]
            if skip_until is not None:
                if name == skip_until:
                    skip_until = None
            elif name in {"blocktranslate", "blocktrans"}:
                skip_until = "end" + name
            elif name == "comment":
                skip_until = "endcomment"
            parts.append(" ")
        elif token.token_type == TokenType.TEXT and skip_until is None:
            parts.append(token.contents)
        else:
            parts.append(" ")
    text = "".join(parts)
    if html:
        parser = _VisibleText()
        parser.feed(text)
        parser.close()
        chunks = parser.found
    else:
        chunks = [text]
    return [w for chunk in chunks for w in WORD.findall(chunk) if w not in ALLOWED]


def test_the_checker_finds_unmarked_text_and_accepts_marked_text():
    found = unmarked_words(
        '{% load i18n %}<p title="Hover me">Plain {{ x }} words</p>'
        '<a href="/x/" class="button">{% translate "Fine" %}</a>'
        "{% blocktranslate count n=n %}One{% plural %}Many{% endblocktranslate %}"
        '<img alt="{% translate "ok" %}" src="a.png"><script src="a.js"></script>'
        '<input type="submit" value="Go">{# a comment #}{% comment %}Note{% endcomment %}',
        html=True,
    )
    assert found == ["Hover", "me", "Plain", "words", "Go"]
    assert unmarked_words("Hello {{ name }},\n{% translate 'Bye' %}", html=False) == ["Hello"]


@pytest.mark.parametrize(
    "path", template_files(), ids=lambda p: str(p.relative_to(ROOT)) if isinstance(p, Path) else p
)
def test_every_template_marks_its_text_for_translation(path):
    words = unmarked_words(path.read_text(), html=path.suffix == ".html")
    assert not words, f"{path.relative_to(ROOT)} has unmarked text: {' '.join(words)}"


# -- The shipped catalogue -------------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file (header included), enough of the format for these checks:
    context, id, plural id, translations, flags and whether the entry is obsolete."""
    entries: list[dict] = []
    entry: dict = {"flags": set(), "msgstr": {}}
    key: tuple | None = None

    def finish() -> None:
        nonlocal entry
        if "msgid" in entry:
            entries.append(entry)
        entry = {"flags": set(), "msgstr": {}}

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            finish()
            key = None
        elif line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = _po_string(line)
            if key is None:
                continue
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += value
            else:
                entry[key[0]] += value
        else:
            word, _, rest = line.partition(" ")
            if word.startswith("msgstr"):
                index = int(word[7:-1]) if "[" in word else 0
                entry["msgstr"][index] = _po_string(rest)
                key = ("msgstr", index)
            else:
                entry[word] = _po_string(rest)
                key = (word,)
    finish()
    return entries


def _po_string(text: str) -> str:
    import ast

    return ast.literal_eval(text.strip())


def test_the_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = read_po(CATALOGUE)
    header = next(e for e in entries if e["msgid"] == "")
    assert "fuzzy" not in header["flags"], "the catalogue's header is still marked fuzzy"
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in header["msgstr"][0]
    messages = [e for e in entries if e["msgid"] and not e.get("obsolete")]
    assert len(messages) > 500
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"].values())]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert not untranslated, f"untranslated entries: {untranslated}"


def test_the_compiled_catalogue_is_the_current_one():
    """``django.mo`` is committed (running the site needs no gettext tools); it must say
    what ``django.po`` says, or ``manage.py compilemessages`` was forgotten."""
    import gettext

    with (CATALOGUE.parent / "django.mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    stale = []
    for entry in read_po(CATALOGUE):
        if not entry["msgid"] or entry.get("obsolete"):
            continue
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            got = [mo.ngettext(msgid, entry["msgid_plural"], n) for n in (1, 2)]
            want = [entry["msgstr"][0], entry["msgstr"][1]]
        else:
            got, want = [mo.gettext(msgid)], [entry["msgstr"][0]]
        if got != want:
            stale.append(entry["msgid"])
    assert not stale, f"run `manage.py compilemessages`; django.mo differs for: {stale[:10]}"


def test_makemessages_finds_no_string_missing_from_the_catalogue(tmp_path, settings):
    """Every string marked in the code is in the catalogue: ``makemessages`` run afresh (into
    a copy) adds nothing. It needs GNU gettext's ``xgettext`` (``apt-get install gettext``),
    which running the site does not; without it this one check is skipped."""
    import os
    import shutil

    from django.core.management import call_command

    if shutil.which("xgettext") is None:
        reason = "GNU gettext (xgettext) is not installed: apt-get install gettext"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: this check must run)")
        pytest.skip(reason)
    # makemessages writes into every ``locale`` directory above the files it reads, so it
    # runs in a tree of its own: links to the project's code and templates, and a copy of the
    # catalogue (run in the project, it rewrote the real one).
    tree = tmp_path / "tree"
    tree.mkdir()
    for entry in ROOT.iterdir():
        if entry.is_dir() and entry.name not in {"locale", "tests", ".venv", ".git"}:
            (tree / entry.name).symlink_to(entry)
    copy = tree / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(CATALOGUE, copy)
    settings.LOCALE_PATHS = [tree / "locale"]
    here = Path.cwd()
    os.chdir(tree)
    try:
        call_command(
            "makemessages",
            locale=[LANGUAGE],
            symlinks=True,
            ignore_patterns=["test-artifacts", "node_modules", "staticfiles"],
            verbosity=0,
        )
    finally:
        os.chdir(here)
    known = {(e.get("msgctxt"), e["msgid"]) for e in read_po(CATALOGUE)}
    fresh = [e for e in read_po(copy) if e["msgid"] and not e.get("obsolete")]
    new = sorted(e["msgid"] for e in fresh if (e.get("msgctxt"), e["msgid"]) not in known)
    assert not new, (
        "Strings marked for translation but missing from locale/fr: run "
        "`manage.py makemessages -l fr --ignore=.venv --ignore=tests`, translate them, then "
        f"`manage.py compilemessages`: {new}"
    )


# -- Choosing a language ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_language_switcher_changes_the_interface_and_remembers_it():
    from django.test import Client

    reader = Client(enforce_csrf_checks=True)  # the switcher's form carries no token
    html = reader.get("/terms/").content.decode()
    assert '<html lang="en">' in html and "<h1>Terms A–Z</h1>" in html
    assert 'action="/i18n/setlang/"' in html and 'name="language" value="fr"' in html

    response = reader.post("/i18n/setlang/", {"language": "fr", "next": "/terms/"})
    assert response.status_code == 302 and response["Location"] == "/terms/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr" and cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE

    response = reader.get("/terms/")
    html = response.content.decode()
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in html and "<h1>Termes A–Z</h1>" in html
    assert "Rechercher des termes" in html and "Terms A–Z" not in html

    reader.post("/i18n/setlang/", {"language": "en", "next": "/terms/"})
    assert "<h1>Terms A–Z</h1>" in reader.get("/terms/").content.decode()


@pytest.mark.django_db
def test_the_browsers_language_is_used_until_one_is_chosen(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    assert response["Content-Language"] == "fr" and "Accueil" in response.content.decode()
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode().count('lang="en"') == 2


@pytest.mark.django_db
def test_switching_goes_back_only_to_this_site(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_the_page_cache_keeps_one_page_per_language(client, settings):
    from django.test import Client

    settings.PAGE_CACHE = "on"
    english, french = Client(), Client(HTTP_ACCEPT_LANGUAGE="fr")
    assert english.get("/terms/")["X-Page-Cache"] == "miss"
    response = french.get("/terms/")
    assert response["X-Page-Cache"] == "miss" and "Termes A–Z" in response.content.decode()
    response = french.get("/terms/")
    assert response["X-Page-Cache"] == "hit" and "Termes A–Z" in response.content.decode()
    response = english.get("/terms/")
    assert response["X-Page-Cache"] == "hit" and "Terms A–Z" in response.content.decode()
    chosen = Client()
    chosen.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = chosen.get("/terms/")
    assert response["X-Page-Cache"] == "hit" and "Termes A–Z" in response.content.decode()


@pytest.mark.django_db
def test_forms_messages_and_djangos_own_strings_are_translated(client):
    from tests.factories import make_user

    make_user("alice")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.post("/login/", {"username": "alice", "password": "wrong"}).content.decode()
    assert "<h1>Connexion</h1>" in html and "Mot de passe oublié" in html
    # Django's own catalogue (complete in French): the authentication form's error.
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in html
    client.post("/login/", {"username": "alice", "password": "correct horse 42"})
    html = client.get("/", follow=True).content.decode()
    assert "Déconnexion" in html


def test_refusals_are_translated():
    from django.utils import translation

    from moderation.ratelimit import Refusal

    refusal = Refusal("edit", "minute", 10, 30)
    assert refusal.message == "Too many edits: at most 10 per minute. Try again in 30 seconds."
    with translation.override("fr"):
        assert refusal.message == (
            "Limite atteinte pour les modifications\u00a0: au plus 10 par minute. "
            "Réessayez dans 30 secondes."
        )


@pytest.mark.django_db
def test_the_password_reset_mail_is_in_the_readers_language(
    client, django_capture_on_commit_callbacks
):
    from django.core import mail

    from tests.factories import make_user

    make_user("alice")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    with django_capture_on_commit_callbacks(execute=True):  # the mail is sent by a task
        client.post("/password/reset/", {"email": "alice@example.org"})
    (message,) = mail.outbox
    assert message.subject == f"Réinitialisez votre mot de passe {settings.SITE_NAME}"
    assert message.body.startswith("Bonjour alice,")


@pytest.mark.django_db
def test_the_apis_human_messages_follow_accept_language_and_its_codes_do_not(client):
    english = client.get("/api/v1/terms/nowhere/")
    french = client.get("/api/v1/terms/nowhere/", HTTP_ACCEPT_LANGUAGE="fr")
    assert english.status_code == french.status_code == 404
    assert english.json()["message"] == "No term has the address 'nowhere'."
    assert french.json()["message"] == "Aucun terme n’a l’adresse 'nowhere'."
    assert english.json()["code"] == french.json()["code"]


@pytest.mark.django_db
def test_the_renderers_refusals_reach_the_author_translated():
    """The renderer (``markup``, no Django) says why in English; the wiki translates it."""
    from django.utils import translation

    from wiki.exceptions import TermWriteError
    from wiki.services.rendering import preview_html, render_body

    deep = "> " * 60 + "too deep"
    with pytest.raises(TermWriteError) as english:
        render_body(deep)
    assert str(english.value).startswith("Block quotes nested more than")
    with translation.override("fr"), pytest.raises(TermWriteError) as french:
        render_body(deep)
    assert str(french.value).startswith("Les citations imbriquées sur plus de")
    with translation.override("fr"):
        assert preview_html(deep).startswith('<p class="render-error">Les citations')
