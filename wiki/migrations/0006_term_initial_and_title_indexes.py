"""The A-Z index by index (issue 14): each term's letter, and the title in index order.

Before, a page of the A-Z index sorted every title, a letter was a LIKE over every title and
"#" a regular expression over them. ``initial`` is the title's letter as ``first_letter``
shows it (written by the write path with the title; filled here for existing terms), and two
indexes serve a page of all titles and a page of one letter in order. ``Link.target_slug``
loses its own index: ``link_target_idx`` (target_slug, kind) serves every lookup by target.
"""

from django.db import migrations, models


def initial_of(title: str) -> str:  # wiki.content.initial_of when this was written
    first = title[:1].upper()  # "ﬃ".upper() is "FFI": one letter only
    return first if len(first) == 1 and "A" <= first <= "Z" else "#"


def fill_initials(apps, schema_editor):
    Term = apps.get_model("wiki", "Term")
    changed = []
    for term in Term.objects.only("title", "initial").iterator(chunk_size=2000):
        letter = initial_of(term.title)
        if term.initial != letter:
            term.initial = letter
            changed.append(term)
    Term.objects.bulk_update(changed, ["initial"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        ('wiki', '0005_glossary_autolink'),
    ]

    operations = [
        migrations.AddField(
            model_name='term',
            name='initial',
            field=models.CharField(default='#', editable=False, max_length=1),
        ),
        migrations.RunPython(fill_initials, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='link',
            name='target_slug',
            field=models.SlugField(allow_unicode=True, db_index=False, max_length=200),
        ),
        migrations.AddIndex(
            model_name='term',
            index=models.Index(fields=['title'], name='term_title_idx'),
        ),
        migrations.AddIndex(
            model_name='term',
            index=models.Index(fields=['initial', 'title'], name='term_initial_title_idx'),
        ),
    ]
