"""Every reading page: status, content, escaping, and a fixed number of queries."""

import re

import pytest
from django.core.management import call_command

from tests.factories import edit_term, make_term, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("import_seeds", verbosity=0)


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def test_acceptance_seed_term_page(client, seeded):
    response = client.get("/terms/communities-of-practice/")
    html = response.content.decode()
    assert response.status_code == 200
    assert h1_count(html) == 1
    assert re.search(r'<h2 id="three-elements"[^>]*>Three Elements</h2>', html)
    assert 'href="#three-elements"' in html  # table of contents
    for title in ("Organizational Learning", "Tacit Knowledge", "Discussion as Emergence"):
        assert f'{title}</a> <span class="not-written">not yet written</span>' in html
    assert "#organizational-learning" in html and "#practice" in html
    assert "Intermediate" in html
    assert "by the seed import" in html


def test_acceptance_wanted_lists_the_three_related_terms(client, seeded):
    html = client.get("/wanted/").content.decode()
    for slug in ("organizational-learning", "tacit-knowledge", "discussion-as-emergence"):
        assert f'href="/terms/{slug}/"' in html
    assert html.count("1 term</td>") == 3


def test_wanted_counts_distinct_linking_terms(client):
    make_term("Alpha", body="[[Zeta]] twice [[zeta]]", related=("Zeta",))
    make_term("Beta", body="[[Zeta]] and [[Eta]]")
    html = client.get("/wanted/").content.decode()
    assert re.search(r"Zeta</a></td>\s*<td>2 terms</td>", html)
    assert re.search(r"Eta</a></td>\s*<td>1 term</td>", html)
    make_term("Zeta")
    html = client.get("/wanted/").content.decode()
    assert "Zeta" not in html


def test_home_shows_recent_terms_categories_and_counts(client, seeded):
    make_term("Beta", category="Knowledge", body="x")
    html = client.get("/").content.decode()
    assert h1_count(html) == 1
    assert "Recently changed" in html
    assert html.index("Beta") < html.index("Communities of Practice")
    assert 'href="/categories/practice/"' in html and 'href="/categories/knowledge/"' in html
    assert "<strong>2</strong> terms" in html


def test_term_list_letters_and_filters(client):
    make_term("Alpha", category="One", difficulty="beginner", tags=("x",))
    make_term("Beta", category="Two", difficulty="advanced", tags=("y",))
    make_term("42 Things", category="Two")
    html = client.get("/terms/").content.decode()
    assert all(t in html for t in ("Alpha", "Beta", "42 Things"))
    assert 'letter=A"' in html and 'letter=%23"' in html
    assert "Beta" not in client.get("/terms/?letter=A").content.decode()
    assert "Alpha" not in client.get("/terms/?letter=%23").content.decode()
    html = client.get("/terms/?category=two&difficulty=advanced").content.decode()
    assert "Beta" in html and "42 Things" not in html and "Alpha" not in html
    html = client.get("/terms/?tag=x").content.decode()
    assert "Alpha" in html and "Beta" not in html


def test_term_list_survives_odd_parameters(client):
    make_term("Alpha")
    for query in ("?page=999", "?page=abc", "?letter=%00", "?category=%3Cscript%3E", "?letter=ü"):
        assert client.get("/terms/" + query).status_code == 200


def test_category_and_tag_pages(client):
    make_term("Alpha", category="Knowledge Work", tags=("Deep Work",))
    html = client.get("/categories/").content.decode()
    assert 'href="/categories/knowledge-work/"' in html
    html = client.get("/categories/knowledge-work/").content.decode()
    assert "Alpha" in html and h1_count(html) == 1
    html = client.get("/tags/").content.decode()
    assert 'href="/tags/deep-work/"' in html
    assert "Alpha" in client.get("/tags/deep-work/").content.decode()
    assert client.get("/categories/nope/").status_code == 404
    assert client.get("/tags/nope/").status_code == 404


def test_history_and_old_revision_pages(client):
    author = make_user("carol")
    term = make_term("Alpha", body="first version", author=author)
    edit_term(term, body="second, longer version", author=author, summary="Expand <b>it</b>")
    html = client.get("/terms/alpha/history/").content.decode()
    assert "r1" in html and "r2" in html
    assert "carol" in html and "seed import" not in html
    assert "Expand &lt;b&gt;it&lt;/b&gt;" in html
    assert "(+9)" in html
    old = client.get("/terms/alpha/revisions/1/").content.decode()
    assert "first version" in old and "revision 1" in old
    assert client.get("/terms/alpha/revisions/9/").status_code == 404
    assert client.get("/terms/nope/history/").status_code == 404


def test_unknown_term_offers_to_create_it(client):
    make_term("Alpha", body="See [[Not Yet]].")
    response = client.get("/terms/not-yet/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "has not been written yet" in html
    assert "/terms/new/?title=Not%20Yet" in html
    assert 'href="/terms/alpha/"' in html  # who links here already


def test_renamed_term_redirects_permanently(client):
    term = make_term("Alpha")
    edit_term(term, title="Alpha Centauri")
    response = client.get("/terms/alpha/")
    assert response.status_code == 301
    assert response["Location"] == "/terms/alpha-centauri/"


def test_backlinks_show_terms_linking_here(client):
    make_term("Alpha")
    make_term("Beta", body="See [[Alpha]].")
    make_term("Gamma", related=("alpha",))
    html = client.get("/terms/alpha/").content.decode()
    aside = html[html.index("Linked from") :]
    assert 'href="/terms/beta/"' in aside
    # A term that lists Alpha as related shows under "Related terms" (issue 16), not here.
    related = html[html.index('id="related-title"') : html.index("Linked from")]
    assert 'href="/terms/gamma/"' in related and 'href="/terms/gamma/"' not in aside


def test_hostile_text_is_escaped_everywhere(client):
    evil = "<img src=x onerror=alert(1)>"
    term = make_term(
        "Evil <script>alert(1)</script>",
        category=evil,
        tags=(evil,),
        body="<script>alert(1)</script> [x](javascript:alert(1))",
        related=(evil,),
    )
    author = make_user("mallory")
    edit_term(term, body="again", summary=evil, author=author)
    for url in ("/", "/terms/", f"/terms/{term.slug}/", f"/terms/{term.slug}/history/", "/tags/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "javascript:alert" not in html, url


def test_unknown_url_gets_a_helpful_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "A–Z index" in response.content.decode()


def test_every_page_has_exactly_one_h1(client, seeded):
    make_term("Alpha", category="Cat", tags=("t",))
    urls = [
        "/",
        "/terms/",
        "/terms/alpha/",
        "/terms/alpha/history/",
        "/terms/alpha/revisions/1/",
        "/categories/",
        "/categories/cat/",
        "/tags/",
        "/tags/t/",
        "/wanted/",
        "/terms/missing-one/",
        "/nowhere/",
    ]
    for url in urls:
        assert h1_count(client.get(url).content.decode()) == 1, url


def _wide_term(n: int):
    """A term with ``n`` related terms (half written) and ``n`` backlinks."""
    for i in range(n):
        if i % 2 == 0:
            make_term(f"Related {i}")
    target = make_term(
        "Hub",
        body="# Hub\n\n" + "\n".join(f"## Part {i}" for i in range(3)),
        tags=("a", "b"),
        category="Cat",
        related=tuple(f"Related {i}" for i in range(n)),
    )
    for i in range(n):
        make_term(f"Linker {i}", body="See [[Hub]].")
    return target


@pytest.mark.parametrize("n", [1, 50])
def test_term_page_query_count_does_not_grow(client, django_assert_max_num_queries, n):
    _wide_term(n)
    with django_assert_max_num_queries(9):
        response = client.get("/terms/hub/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="not-written"') == n // 2
    assert html.count("Linker ") == n
    # The wiki's 6 (the term, its tags, and its connections: links, their terms, the links
    # of the strongest, the terms those reach; issue 16) and the discussion's 3 (its counts,
    # the page of threads with their replies, who knows this).


@pytest.mark.parametrize("n", [1, 40])
def test_listing_pages_query_counts_do_not_grow(client, django_assert_max_num_queries, n):
    for i in range(n):
        make_term(f"Term {i}", category=f"Cat {i % 3}", tags=(f"t{i % 4}",), body=f"[[W{i}]]")
    for url in ("/", "/terms/", "/categories/cat-0/", "/tags/t0/", "/wanted/", "/tags/"):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/terms/term-0/history/").status_code == 200


def test_old_slug_redirects_history_revision_and_diff_pages(client):
    term = make_term("Alpha")
    edit_term(term, title="Alpha Centauri")
    assert client.get("/terms/alpha/history/")["Location"] == "/terms/alpha-centauri/history/"
    response = client.get("/terms/alpha/revisions/1/")
    assert response.status_code == 301
    assert response["Location"] == "/terms/alpha-centauri/revisions/1/"
    response = client.get("/terms/alpha/diff/?from=1&to=2")
    assert response["Location"] == "/terms/alpha-centauri/diff/?from=1&to=2"
    assert client.get("/terms/never-was/history/").status_code == 404


def test_renamed_term_stays_written_in_related_terms_and_keeps_its_backlinks(client):
    target = make_term("Tacit Knowledge")
    make_term("Practice", related=("Tacit Knowledge",), body="See [[Tacit Knowledge]].")
    edit_term(target, title="Tacit Knowing")
    html = client.get("/terms/practice/").content.decode()
    assert 'href="/terms/tacit-knowing/" data-card>Tacit Knowing</a>' in html
    assert "not yet written" not in html
    html = client.get("/terms/tacit-knowing/").content.decode()
    aside = html[html.index("Linked from") :]
    assert 'href="/terms/practice/"' in aside


def test_post_only_urls_answer_get_helpfully(client, member):
    term = make_term("Alpha")
    edit_term(term, body="two")
    client.force_login(member)
    response = client.get("/terms/alpha/revisions/1/revert/")
    assert response.status_code == 302
    assert response["Location"] == "/terms/alpha/revisions/1/"
    assert term.revisions.count() == 2
    response = client.get("/logout/")
    assert response.status_code == 200
    assert "Log out" in response.content.decode()
    assert client.get("/terms/alpha/edit/").status_code == 200  # still logged in


def test_member_pages_have_exactly_one_h1_too(client, member):
    term = make_term("Alpha", body="one")
    edit_term(term, body="two", title="Alpha Prime")
    anonymous = [
        "/login/",
        "/signup/",
        "/password/reset/",
        "/search/",
        "/search/?q=alpha",
        "/search/?q=zzzzqqq",
        "/members/alice/",
    ]
    for url in anonymous:
        assert h1_count(client.get(url).content.decode()) == 1, url
    client.force_login(member)
    members = [
        "/terms/new/",
        "/terms/alpha-prime/edit/",
        "/terms/alpha-prime/diff/?from=1&to=2",
        "/terms/alpha-prime/diff/?from=x",
        "/terms/alpha-prime/update-links/?from=alpha",
        "/members/alice/edit/",
        "/password/change/",
        "/logout/",
    ]
    for url in members:
        response = client.get(url)
        assert response.status_code in (200, 400), url
        assert h1_count(response.content.decode()) == 1, url
