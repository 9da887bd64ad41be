"""The term editor's form. It only parses and checks input; saving is ``wiki.services``."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from markdownx.widgets import MarkdownxWidget

from markup import MAX_BODY_BYTES, slugify_title
from search.query import clean_text

from .content import TermData
from .models import Difficulty, SlugRedirect, Term
from .services.revisions import MAX_SUMMARY_LENGTH

MAX_TAGS = 50
MAX_TAG_LENGTH = 100
MAX_RELATED = 200
MAX_RELATED_LENGTH = 200
MAX_REVISION_NUMBER = 2**31 - 1  # the database column's range


class EditorWidget(MarkdownxWidget):
    """django-markdownx's editor with live preview, without its image upload.

    The upload URL is deliberately not routed, so the widget does not advertise one, and
    ``js/editor.js`` stops files dropped or pasted into the editor before markdownx would
    try to send them. The widget renders a plain textarea: the template around it supplies
    the ``.markdownx`` wrapper and a labelled preview region.
    """

    template_name = "django/forms/widgets/textarea.html"

    class Media:
        js = ["js/editor.js"]

    @staticmethod
    def add_markdownx_attrs(attrs):
        attrs = MarkdownxWidget.add_markdownx_attrs(attrs)
        attrs.pop("data-markdownx-upload-urls-path", None)
        attrs["data-markdownx-urls-path"] = reverse("markdownx_markdownify")
        return attrs


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


class TermForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.CharField(label=_("Category"), max_length=100, required=False)
    difficulty = forms.ChoiceField(
        label=_("Difficulty"), choices=[("", _("Not set")), *Difficulty.choices], required=False
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=MAX_TAGS * (MAX_TAG_LENGTH + 2),
        help_text=_("Separate tags with commas, for example: practice, learning."),
    )
    related = forms.CharField(
        label=_("Related terms"),
        required=False,
        max_length=MAX_RELATED * (MAX_RELATED_LENGTH + 2),
        help_text=_("Titles of other terms, separated by commas. They need not exist yet."),
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        strip=False,
        widget=EditorWidget(attrs={"rows": 20, "spellcheck": "true"}),
        help_text=_("Markdown. Link to other terms with [[Term title]] or [[Term title|text]]."),
    )
    # The opt-out, not the flag itself: a form sent without the box (an old tab, a script)
    # keeps the glossary links on, where an unticked "on" box would silently turn them off.
    no_autolink = forms.BooleanField(
        label=_("Do not link glossary terms"),
        required=False,
        help_text=_(
            "The first mention of another term's title in the body links to that term. "
            "Tick this to turn that off for this term; to keep just one mention unlinked, "
            "write it as [[!text]]."
        ),
    )
    summary = forms.CharField(
        label=_("Edit summary"),
        max_length=MAX_SUMMARY_LENGTH,
        required=False,
        help_text=_("A few words on what you changed, shown in the history."),
    )
    base_number = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_REVISION_NUMBER
    )
    seen_number = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_REVISION_NUMBER
    )

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.renamed_term: Term | None = None

    @classmethod
    def initial_for(cls, term: Term) -> dict[str, object]:
        """The form's starting values: the term's current revision."""
        assert term.current_revision is not None
        data = TermData.of(term.current_revision)
        titles = dict(Term.objects.filter(slug__in=data.related).values_list("slug", "title"))
        return {
            "title": data.title,
            "category": data.category,
            "difficulty": data.difficulty,
            "tags": ", ".join(data.tags),
            "related": ", ".join(titles.get(slug, slug) for slug in data.related),
            "body": data.body,
            "no_autolink": not data.autolink,
            "base_number": term.revision_number,
        }

    def clean_title(self) -> str:
        title = self.cleaned_data["title"]
        slug = slugify_title(title)
        if not slug:
            raise forms.ValidationError(gettext("The title needs at least one letter or digit."))
        if not self.editing:
            renamed = SlugRedirect.objects.select_related("term").filter(old_slug=slug).first()
            if renamed is not None:
                self.renamed_term = renamed.term
                raise forms.ValidationError(
                    gettext(
                        "“%(title)s” is the old name of “%(current)s”, which was renamed. "
                        "Edit that term instead, or choose another title."
                    )
                    % {"title": title, "current": renamed.term.title}
                )
        return title

    def clean_tags(self) -> list[str]:
        tags = split_list(self.cleaned_data["tags"])
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(
                gettext("At most %(count)s tags, please.") % {"count": MAX_TAGS}
            )
        if any(len(tag) > MAX_TAG_LENGTH for tag in tags):
            raise forms.ValidationError(
                gettext("A tag can be at most %(count)s characters.") % {"count": MAX_TAG_LENGTH}
            )
        return tags

    def clean_related(self) -> list[str]:
        related = split_list(self.cleaned_data["related"])
        if len(related) > MAX_RELATED:
            raise forms.ValidationError(
                gettext("At most %(count)s related terms, please.") % {"count": MAX_RELATED}
            )
        if any(len(item) > MAX_RELATED_LENGTH for item in related):
            raise forms.ValidationError(
                gettext("A related term can be at most %(count)s characters.")
                % {"count": MAX_RELATED_LENGTH}
            )
        return related

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].replace("\r\n", "\n")
        size = len(body.encode("utf-8", "surrogatepass"))
        if size > MAX_BODY_BYTES:
            raise forms.ValidationError(
                gettext("The body is %(size)s bytes; the limit is %(limit)s (1 MB).")
                % {"size": f"{size:,}", "limit": f"{MAX_BODY_BYTES:,}"}
            )
        return body

    def clean(self):
        cleaned = super().clean()
        damaged = [name for name in ("base_number", "seen_number") if name in self.errors]
        if damaged:
            # Hidden fields have no place on the page to show their own error.
            raise forms.ValidationError(
                gettext(
                    "This form's record of which revision it started from was damaged "
                    "(%(errors)s). Your text is kept below; open the editor again in another "
                    "tab to start over."
                )
                % {"errors": ", ".join(str(e) for name in damaged for e in self.errors[name])}
            )
        if self.editing and cleaned.get("base_number") is None:
            raise forms.ValidationError(
                gettext(
                    "This form does not say which revision it started from. Open the editor again."
                )
            )
        return cleaned

    def to_data(self) -> TermData:
        cleaned = self.cleaned_data
        return TermData(
            title=cleaned["title"],
            category=cleaned["category"],
            difficulty=cleaned["difficulty"],
            tags=tuple(cleaned["tags"]),
            related=tuple(cleaned["related"]),
            body=cleaned["body"],
            autolink=not cleaned["no_autolink"],
        )


class TermFilterForm(forms.Form):
    """The category/tag/difficulty filters of the A-Z index and of search (GET parameters).

    Never invalid: a filter that names nothing simply finds nothing. Values are cleaned of
    control characters and cut to the column width, so any query string is safe to filter on.
    """

    FILTERS = ("category", "tag", "difficulty")

    category = forms.CharField(required=False, max_length=10_000, strip=True)
    tag = forms.CharField(required=False, max_length=10_000, strip=True)
    difficulty = forms.CharField(required=False, max_length=10_000, strip=True)
    letter = forms.CharField(required=False, max_length=10_000, strip=True)

    def __init__(self, params) -> None:
        super().__init__({name: params.get(name, "") for name in (*self.FILTERS, "letter")})
        self.is_valid()

    @property
    def filters(self) -> dict[str, str]:
        return {name: clean_text(self.cleaned_data.get(name, ""))[:100] for name in self.FILTERS}

    @property
    def chosen_letter(self) -> str:
        first = self.cleaned_data.get("letter", "").upper()[:1]
        return first if first == "#" or first.isalpha() else ""


class RevisionCompareForm(forms.Form):
    """``?from=N&to=M`` on the diff page: two revision numbers of the term."""

    from_number = forms.IntegerField(min_value=0, max_value=MAX_REVISION_NUMBER)
    to_number = forms.IntegerField(min_value=0, max_value=MAX_REVISION_NUMBER)

    def __init__(self, params) -> None:
        super().__init__({"from_number": params.get("from"), "to_number": params.get("to")})


class PathForm(forms.Form):
    """``/paths/?from=A&to=B``: two terms, by title or slug. Checked only once both are
    given; with one, the form is shown again with it filled in."""

    start = forms.CharField(label=_("From"), max_length=200)
    goal = forms.CharField(label=_("To"), max_length=200)

    def __init__(self, params) -> None:
        values = {"start": params.get("from", ""), "goal": params.get("to", "")}
        complete = all(str(value).strip() for value in values.values())
        super().__init__(values if complete else None, initial=values, auto_id="path-%s")


class MapForm(forms.Form):
    """What ``/map/`` draws: one term's neighbourhood, or one category's or tag's terms."""

    term = forms.CharField(label=_("Centre on a term"), required=False, max_length=200)
    category = forms.CharField(label=_("Category"), required=False, max_length=200)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=200)

    def __init__(self, params) -> None:
        super().__init__({name: params.get(name, "") for name in ("term", "category", "tag")})
