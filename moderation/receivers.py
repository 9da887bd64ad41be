"""Signal receivers (connected in ``apps.ModerationConfig.ready``)."""

from __future__ import annotations

from .identity import sync_name_keys


def member_saved(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw:  # loaddata: the keys come with the fixture or are rebuilt by the migration
        return
    if update_fields is not None and not {"username", "display_name"} & set(update_fields):
        return  # e.g. last_login on every log-in
    sync_name_keys(instance)
