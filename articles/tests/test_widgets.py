"""articles.widgets: the tag input, its field and the single-tag field."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import Tag
from articles.widgets import SingleTagField, TagAutocompleteWidget, TagsField

pytestmark = pytest.mark.django_db


def test_widget_renders_a_plain_text_input_pointing_at_the_endpoint():
    html = TagAutocompleteWidget().render("tags", [Tag(name="कविता"), Tag(name="AI सेफ्टी")])
    assert 'type="text"' in html
    assert 'name="tags"' in html
    assert 'value="AI सेफ्टी, कविता"' in html
    assert f'data-tag-autocomplete="{reverse("admin:articles_tag_autocomplete")}"' in html
    assert 'autocomplete="off"' in html
    assert "<script" not in html  # behaviour comes from a static file only


def test_widget_escapes_tag_names():
    html = TagAutocompleteWidget().render("tags", [Tag(name='"><script>alert(1)</script>')])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_widget_keeps_typed_text_and_empty_value():
    assert 'value="a, b"' in TagAutocompleteWidget().render("tags", "a, b")
    assert "value=" not in TagAutocompleteWidget().render("tags", None)


def test_widget_media_is_static_files():
    media = TagAutocompleteWidget().media
    assert media._js == ["articles/admin/tags.js"]
    assert media._css == {"all": ["articles/admin/tags.css"]}


def test_tags_field_maps_near_duplicates_to_existing_tags():
    Tag.objects.create(name="AI सेफ्टी")
    Tag.objects.create(name="इस्तीफ़ा")
    field = TagsField()
    assert field.clean("ai\u00a0सेफ्टी, इस्तीफा, नया टैग") == ["AI सेफ्टी", "इस्तीफ़ा", "नया टैग"]
    assert field.clean("") == []
    assert not field.required


def test_tags_field_refuses_an_overlong_tag_and_names_it():
    with pytest.raises(ValidationError) as caught:
        TagsField().clean("ठीक, " + "क" * 101)
    assert caught.value.code == "tag_too_long"
    assert "क" * 101 in str(caught.value.messages[0])


def test_tags_field_has_changed_ignores_order_and_fold_variants():
    field = TagsField()
    initial = [Tag(name="AI सेफ्टी"), Tag(name="कविता")]
    assert not field.has_changed(initial, "कविता, ai सेफ्टी")
    assert field.has_changed(initial, "कविता")
    assert field.has_changed([], "कविता")
    assert not field.has_changed(None, "")


def test_tags_field_in_a_form_round_trip():
    class Form(forms.Form):
        tags = TagsField()

    form = Form(data={"tags": " Claude ,claude, OpenAI "})
    assert form.is_valid()
    assert form.cleaned_data["tags"] == ["Claude", "OpenAI"]


def test_single_tag_field():
    field = SingleTagField()
    assert field.clean(" AI\u00a0सेफ्टी ") == "AI सेफ्टी"
    for bad in ("एक, दो", ",", ""):
        with pytest.raises(ValidationError):
            field.clean(bad)
    with pytest.raises(ValidationError):
        field.clean("क" * 101)
