"""The term editor's form. It only parses and checks input; saving is ``wiki.services``."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from markdownx.widgets import MarkdownxWidget

from markup import MAX_BODY_BYTES, slugify_title

from .content import TermData
from .models import Difficulty, Term
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
    title = forms.CharField(max_length=200)
    category = forms.CharField(max_length=100, required=False)
    difficulty = forms.ChoiceField(choices=[("", "Not set"), *Difficulty.choices], required=False)
    tags = forms.CharField(
        required=False,
        max_length=MAX_TAGS * (MAX_TAG_LENGTH + 2),
        help_text="Separate tags with commas, for example: practice, learning.",
    )
    related = forms.CharField(
        label="Related terms",
        required=False,
        max_length=MAX_RELATED * (MAX_RELATED_LENGTH + 2),
        help_text="Titles of other terms, separated by commas. They need not exist yet.",
    )
    body = forms.CharField(
        required=False,
        strip=False,
        widget=EditorWidget(attrs={"rows": 20, "spellcheck": "true"}),
        help_text="Markdown. Link to other terms with [[Term title]] or [[Term title|text]].",
    )
    summary = forms.CharField(
        label="Edit summary",
        max_length=MAX_SUMMARY_LENGTH,
        required=False,
        help_text="A few words on what you changed, shown in the history.",
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

    @classmethod
    def initial_for(cls, term: Term) -> dict[str, object]:
        """The form's starting values: the term's current revision."""
        data = TermData.of(term.current_revision)
        titles = dict(Term.objects.filter(slug__in=data.related).values_list("slug", "title"))
        return {
            "title": data.title,
            "category": data.category,
            "difficulty": data.difficulty,
            "tags": ", ".join(data.tags),
            "related": ", ".join(titles.get(slug, slug) for slug in data.related),
            "body": data.body,
            "base_number": term.revision_number,
        }

    def clean_title(self) -> str:
        title = self.cleaned_data["title"]
        if not slugify_title(title):
            raise forms.ValidationError("The title needs at least one letter or digit.")
        return title

    def clean_tags(self) -> list[str]:
        tags = split_list(self.cleaned_data["tags"])
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(f"At most {MAX_TAGS} tags, please.")
        if any(len(tag) > MAX_TAG_LENGTH for tag in tags):
            raise forms.ValidationError(f"A tag can be at most {MAX_TAG_LENGTH} characters.")
        return tags

    def clean_related(self) -> list[str]:
        related = split_list(self.cleaned_data["related"])
        if len(related) > MAX_RELATED:
            raise forms.ValidationError(f"At most {MAX_RELATED} related terms, please.")
        if any(len(item) > MAX_RELATED_LENGTH for item in related):
            raise forms.ValidationError(
                f"A related term can be at most {MAX_RELATED_LENGTH} characters."
            )
        return related

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].replace("\r\n", "\n")
        size = len(body.encode("utf-8", "surrogatepass"))
        if size > MAX_BODY_BYTES:
            raise forms.ValidationError(
                f"The body is {size:,} bytes; the limit is {MAX_BODY_BYTES:,} (1 MB)."
            )
        return body

    def clean(self):
        cleaned = super().clean()
        if self.editing and cleaned.get("base_number") is None:
            raise forms.ValidationError(
                "This form does not say which revision it started from. Open the editor again."
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
        )
