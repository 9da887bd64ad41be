"""The "Moderators" group with the moderation permissions, and look-alike keys for the members
who signed up before this app existed."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = [
    ("moderation", "moderate"),
    ("moderation", "view_logentry"),
    ("moderation", "view_protection"),
    ("moderation", "view_block"),
    ("moderation", "view_pendingchange"),
    ("moderation", "view_bulkrevert"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


def backfill_name_keys(apps, schema_editor):
    from moderation.identity import name_keys

    User = apps.get_model("accounts", "User")
    NameKey = apps.get_model("moderation", "NameKey")
    rows = []
    for user in User.objects.only("pk", "username", "display_name").iterator():
        names = {"username": user.username, "display": user.display_name}
        for kind, name in names.items():
            if name:
                folded, cased = name_keys(name)
                rows.append(NameKey(user_id=user.pk, kind=kind, folded=folded, cased=cased))
    NameKey.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_group, remove_group),
        migrations.RunPython(backfill_name_keys, migrations.RunPython.noop),
    ]
