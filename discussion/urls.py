from django.urls import path

import wiki.urls  # noqa: F401 - registers the "uslug" converter: term slugs in any script

from . import feeds
from .views import comments, follows, notifications, promote, recent, reports

app_name = "discussion"

# A comment's actions sit below its permalink (comments/<pk>/reply/ ...): the thread template
# builds them from ``Comment.get_absolute_url`` instead of reversing each one.

urlpatterns = [
    path("recent/", recent.recent, name="recent"),
    path("recent/feed/", feeds.recent_feed, name="recent_feed"),
    path("terms/<uslug:slug>/comments/", comments.comment_create, name="comment_create"),
    path("terms/<uslug:slug>/follow/", follows.term_follow, name="term_follow"),
    path("terms/<uslug:slug>/unfollow/", follows.term_unfollow, name="term_unfollow"),
    path("terms/<uslug:slug>/history/feed/", feeds.term_history_feed, name="term_history_feed"),
    path(
        "terms/<uslug:slug>/discussion/feed/",
        feeds.term_discussion_feed,
        name="term_discussion_feed",
    ),
    path(
        "terms/<uslug:slug>/revisions/<int:number>/report/",
        reports.revision_report,
        name="revision_report",
    ),
    path("comments/<int:pk>/", comments.comment_detail, name="comment_detail"),
    path("comments/<int:pk>/reply/", comments.comment_reply, name="comment_reply"),
    path("comments/<int:pk>/edit/", comments.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", comments.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/versions/", comments.comment_versions, name="comment_versions"),
    path("comments/<int:pk>/report/", reports.comment_report, name="comment_report"),
    path("comments/<int:pk>/promote/", promote.comment_promote, name="comment_promote"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/read/", notifications.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification_open"),
    path(
        "notifications/settings/",
        notifications.notification_settings,
        name="notification_settings",
    ),
    path("members/<str:username>/comments/", recent.member_comments, name="member_comments"),
]
