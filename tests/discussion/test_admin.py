"""Staff can read every discussion model in the admin; comments are not added there."""

import pytest
from django.urls import reverse

from discussion import services
from tests.factories import make_comment, make_term, make_user

pytestmark = pytest.mark.django_db


def test_admin_pages_open(client):
    staff = make_user("staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    term = make_term("Craft")
    comment = make_comment(term, body="Original")
    services.comment_edit(comment=comment, body="Edited")
    services.report_create(reporter=staff, reason="Check", comment=comment)
    for model in (
        "comment",
        "report",
        "promotion",
        "follow",
        "notification",
        "contributor",
        "membersettings",
    ):
        url = reverse(f"admin:discussion_{model}_changelist")
        assert client.get(url).status_code == 200, model
    page = client.get(reverse("admin:discussion_comment_change", args=[comment.pk]))
    assert page.status_code == 200 and "Original" in page.content.decode()
    assert client.get(reverse("admin:discussion_comment_add")).status_code == 403
