"""schemathesis against ``/api/v1/openapi.json``, in process through the WSGI app.

A fixed seed and a fixed number of examples per operation, so CI is fast and a failure
repeats. Every answer must be no 5xx, a status the schema documents for the operation, the
content type it documents, and a body that matches its schema; invalid input must be refused.
Writes carry a member's token, so the writing operations are fuzzed past authentication.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.config import SchemathesisConfig

from accounts.services import api_token_create
from tests.factories import make_comment, make_term, make_user

SEED = 15
EXAMPLES = 25  # per operation, in the fuzzing phase (the examples phase adds a few)
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)
CONFIG = {
    "seed": SEED,
    "generation": {"max-examples": EXAMPLES},
    "phases": {
        "examples": {"enabled": True},
        "fuzzing": {"enabled": True},
        "coverage": {"enabled": True},
        "stateful": {"enabled": False},
    },
    "checks": {
        "enabled": False,
        **{name: {"enabled": True} for name in CHECKS},
    },
}


# Loaded when the module is collected (no database needed: the schema is built in memory).
# schemathesis' lazy fixture loader does not work with pytest 9 (it reads a private node id).
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    get_wsgi_application(),
    config=SchemathesisConfig.from_dict(CONFIG),
)


@pytest.fixture
def same_connection():
    """The WSGI app in the test's own transaction: Django closes "old" connections when a
    request starts and ends, which would close the test's (its test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, settings, same_connection):
    """A wiki with a term to find, and a member's token (rate limits out of the way)."""
    settings.MODERATION_RATE_LIMITS = {a: (10**6, 10**6) for a in ("edit", "comment")}
    member = make_user("fuzzer")
    alpha = make_term("Alpha", body="Waves [[Beta]].", tags=("waves",), category="Physics")
    make_comment(alpha, body="A comment.")
    _token, raw = api_token_create(user=member)
    return raw


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_schema_says(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
    CALLS[case.operation.label] = CALLS.get(case.operation.label, 0) + 1


CALLS: dict[str, int] = {}


def teardown_module():
    print(f"\nschemathesis: {sum(CALLS.values())} calls over {len(CALLS)} operations {CALLS}")
