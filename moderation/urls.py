from django.urls import path

from .views import blocks, comments, dashboard, log, pending, reports, reverts, terms

app_name = "moderation"

urlpatterns = [
    path("", dashboard.index, name="index"),
    path("terms/<str:slug>/protect/", terms.term_protect, name="term_protect"),
    path("terms/<str:slug>/unprotect/", terms.term_unprotect, name="term_unprotect"),
    path("terms/<str:slug>/rollback/", terms.term_rollback, name="term_rollback"),
    path("blocks/", blocks.block_list, name="block_list"),
    path("blocks/new/", blocks.block_create, name="block_create"),
    path("blocks/<int:pk>/lift/", blocks.block_lift, name="block_lift"),
    path("pending/", pending.pending_list, name="pending_list"),
    path("pending/<int:pk>/", pending.pending_detail, name="pending_detail"),
    path("revert/", reverts.bulk_revert, name="bulk_revert"),
    path("revert/<int:pk>/", reverts.bulk_revert_detail, name="bulk_revert_detail"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/<int:pk>/close/", reports.report_close, name="report_close"),
    path("comments/<int:pk>/hide/", comments.comment_hide, name="comment_hide"),
    path("comments/<int:pk>/unhide/", comments.comment_unhide, name="comment_unhide"),
    path("log/", log.log_list, name="log"),
]
