"""A wiki made of the XSS corpus: every payload in every field a member can write.

For payload number ``i``: a member (username made of the payload's allowed characters, the
payload as display name and bio), a term ``T{i} <payload>`` in the payload's category and tag,
related to the payload and to the next term, with the payload as body (and the marker
``M{i}M`` after it), then a second revision by the same member with the payload as summary,
a comment with the payload, and a report of that comment with the payload as reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from accounts.services import ProfileError, profile_update
from discussion.services import comment_create, report_create
from tests.security.corpus import PAYLOADS
from wiki.content import TermData
from wiki.models import Term
from wiki.services import term_create, term_update

DIFFICULTIES = ("", "beginner", "intermediate", "advanced")
_NOT_IN_USERNAMES = re.compile(r"[^\w.@+-]")


@dataclass
class Entry:
    number: int
    payload: str
    term: Term
    username: str
    comment_pk: int

    @property
    def marker(self) -> str:
        return f"T{self.number}"

    @property
    def body_marker(self) -> str:
        return f"M{self.number}M"


@dataclass
class World:
    entries: list[Entry] = field(default_factory=list)
    staff: object = None


def title_for(number: int) -> str:
    return f"T{number} {PAYLOADS[number % len(PAYLOADS)]}"[:200]


def build_world() -> World:
    User = get_user_model()
    # No passwords: hashing one costs more than everything else a member here needs, and
    # the clients log in with force_login.
    world = World(staff=User.objects.create_superuser("root", "root@example.org", None))
    for number, raw in enumerate(PAYLOADS):
        # What reaches the services through a request: NUL is dropped from every part of a
        # request (config.middleware.RejectNulMiddleware; the API's schemas do the same).
        payload = raw.replace("\x00", "")
        username = (_NOT_IN_USERNAMES.sub("", payload)[:40] + f"_{number}").lstrip("_")
        member = User.objects.create_user(username=username, password=None)
        try:
            profile_update(user=member, display_name=payload[:80], bio=payload)
        except ProfileError:
            profile_update(user=member, display_name=payload[:80], bio="")
        data = TermData(
            title=title_for(number),
            category=payload[:100],
            difficulty=DIFFICULTIES[number % 4],
            tags=(payload[:100], "hostile"),
            related=(payload[:200], title_for(number + 1)),
            body=f"{payload}\n\nM{number}M\n",
        )
        term = term_create(data=data, author=member, summary=payload[:300]).term
        more = data.replace(body=f"{payload}\n\nM{number}M\n\nmore {payload}\n")
        term_update(term=term, data=more, author=member, summary=payload[:300], base_number=1)
        comment = comment_create(term=term, author=member, body=payload)
        report_create(reporter=world.staff, reason=payload[:2000], comment=comment)
        world.entries.append(Entry(number, raw, term, member.username, comment.pk))
    return world
