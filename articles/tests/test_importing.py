"""A story from plain text (articles.importing): the parser's rules, the seed judged against
its own source text, ``manage.py import_story`` and the admin's import page."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from articles.importing import (
    AlreadyImported,
    NotAStory,
    decode_text,
    is_scare_quote,
    parse_story,
    save_draft,
)
from articles.models import Article, Organisation, Person, Quote
from articles.tests.desk import EDITORS, REPORTERS, logged_in
from articles.tests.factories import PersonFactory, SourceFactory
from articles.text import fold

SOURCE_TEXT = Path(settings.BASE_DIR) / "fixtures/source/000_d51a89218e2a40ff.txt"
IMPORT_URL = "admin:articles_article_import"

STORY = """शीर्षक: मंत्री ने इस्तीफा दिया

मंत्री रमेश वर्मा ने आज इस्तीफा दे दिया. विपक्ष ने इसका स्वागत किया.

रमेश वर्मा ने सुबह पत्रकारों से बात की. उन्होंने कहा, 'मैंने अपना काम ईमानदारी से किया है और आगे भी करता रहूँगा.'

आगे क्या होगा?

  • पहला कदम 'नई टीम' बनाना है.
  • दूसरा कदम चुनाव है.

सीता राव लिखती हैं,

"यह फैसला बहुत पहले हो जाना चाहिए था, क्योंकि जनता का भरोसा टूट चुका था."
"""


@pytest.fixture
def people(db):
    ramesh = PersonFactory(name="रमेश वर्मा", name_latin="Ramesh Verma", aliases="रमेश")
    sita = PersonFactory(name="सीता राव", name_latin="Sita Rao", aliases="")
    return ramesh, sita


@pytest.fixture
def seed(db):
    call_command("loaddata", "seed", verbosity=0)
    return Article.objects.get()


# The parser's rules ------------------------------------------------------------------------


def test_headline_summary_paragraphs_headings_lists_and_block_quotes(people):
    draft = parse_story(STORY)
    assert draft.headline == "शीर्षक: मंत्री ने इस्तीफा दिया"
    assert draft.summary.startswith("मंत्री रमेश वर्मा ने आज")
    blocks = draft.body.split("\n\n")
    assert blocks[0].startswith("रमेश वर्मा ने सुबह")
    assert blocks[1] == "## आगे क्या होगा?"
    assert blocks[2] == "- पहला कदम 'नई टीम' बनाना है.\n- दूसरा कदम चुनाव है."
    assert blocks[3] == "सीता राव लिखती हैं,"  # ends in a comma: a lead-in, not a heading
    assert blocks[4].startswith('> "यह फैसला')
    assert draft.language == "hi"
    assert draft.people == list(people)


def test_a_line_leading_into_a_list_is_a_paragraph_not_a_heading(db):
    draft = parse_story("शीर्षक\n\nसार.\n\nपहला अनुच्छेद.\n\nउन्होंने तैयार किए\n\n• एक\n• दो\n")
    assert draft.body == "पहला अनुच्छेद.\n\nउन्होंने तैयार किए\n\n- एक\n- दो"


def test_quotes_with_their_speaker_and_source(people):
    ramesh, sita = people
    letter = SourceFactory(title="रमेश का बयान", author=ramesh)
    draft = parse_story(STORY)
    assert [(q.text.split()[:2], q.speaker, q.source) for q in draft.quotes] == [
        (["मैंने", "अपना"], ramesh, letter),
        (["यह", "फैसला"], sita, None),
    ]
    # Each offer's position is where its words start in the body.
    for quote in draft.quotes:
        assert draft.body[quote.position :].startswith(quote.text)


def test_every_kind_of_quotation_mark_is_a_quote_and_apostrophes_are_not(people):
    text = (
        "शीर्षक\n\nसार.\n\n"
        "रमेश ने कहा ‘हम कल फिर मिलेंगे और बात करेंगे’. रमेश ने कहा “यह हमारी आख़िरी बैठक नहीं है”. "
        'He said "we will be back soon, whatever happens" and didn\'t stop.\n'
    )
    words = [q.text for q in parse_story(text).quotes]
    assert words == [
        "हम कल फिर मिलेंगे और बात करेंगे",
        "यह हमारी आख़िरी बैठक नहीं है",
        "we will be back soon, whatever happens",
    ]


@pytest.mark.parametrize(
    ("words", "context", "scare"),
    [
        ("सेफ", "आकाश का तर्क है- … मॉडल को  रखना.", True),  # one word, even when attributed
        ("क्लाउड कोवर्क", "अपने AI प्लेटफॉर्म  (Claude Cowork) के जरिये", True),
        ("जिम्मेदार AI लैब", "जो खुद को  के तौर पर पेश करती है,", True),
        ("शिप करो, जल्दी करो", "सीधी भाषा में,  वाला दबाव भारी पड़ रहा है.", True),
        ("खुद को अदृश्य", "मृणांक लिखते हैं कि …  रहने देंगे.", False),  # attributed
        ("हम हार रहे हैं. सच यही है", "", False),  # a sentence inside
        ("एक दो तीन चार पाँच छह सात आठ", "", False),  # eight words or more
    ],
)
def test_scare_quotes_are_short_and_unattributed(words, context, scare):
    assert is_scare_quote(words, context) is scare


def test_scare_quotes_are_not_offered(people):
    text = "शीर्षक\n\nसार.\n\nरमेश वर्मा की 'नई टीम' और 'सेफ' रवैया 'जिम्मेदार AI लैब' जैसा है.\n"
    assert parse_story(text).quotes == []


def test_no_known_person_before_a_quote_means_no_speaker(people):
    text = "शीर्षक\n\nसार.\n\nकिसी ने लिखा, 'हम कल फिर से मिलेंगे और बात करेंगे'. फिर रमेश आए.\n"
    [quote] = parse_story(text).quotes
    assert quote.speaker is None


def test_names_are_whole_words_and_names_inside_quotes_are_not_speakers(people):
    ramesh, sita = people
    text = "शीर्षक\n\nसार.\n\nरमेशों की भीड़ थी. सीता राव ने कहा, 'मैंने रमेश से कहा कि हम कल फिर मिलेंगे'.\n"
    draft = parse_story(text)
    assert [q.speaker for q in draft.quotes] == [sita]
    # "रमेशों" is not रमेश, and a name inside someone's quote does not make them a speaker.
    assert draft.people == [sita]
    assert ramesh.name not in draft.body


def test_furniture_and_strapline_are_left_out_and_listed(db):
    text = (
        " date 2026-02-10 विज्ञापन\nशीर्षक\n\nसार.\n\nउप-शीर्षक: छोटी पंक्ति\n\nविज्ञापन\n\nपहला अनुच्छेद.\n"
    )
    draft = parse_story(text)
    assert (draft.headline, draft.body) == ("शीर्षक", "पहला अनुच्छेद.")
    assert draft.left_out == ["date 2026-02-10 विज्ञापन", "विज्ञापन", "उप-शीर्षक: छोटी पंक्ति"]


def test_paragraph_that_looks_like_markdown_stays_text(db):
    draft = parse_story("शीर्षक\n\nसार.\n\n# नहीं, यह शीर्षक नहीं है, बल्कि एक लंबा अनुच्छेद है.\n")
    assert draft.body == "\\# नहीं, यह शीर्षक नहीं है, बल्कि एक लंबा अनुच्छेद है."


def test_empty_text_and_non_utf8_are_refused_clearly(db):
    with pytest.raises(NotAStory):
        parse_story(" \n\n \n")
    with translation.override("en"), pytest.raises(NotAStory, match=r"kahani\.txt.*byte 3"):
        decode_text("कहानी".encode("utf-16-le")[:3] + b"\xff\xfe", "kahani.txt")


def test_parse_costs_four_queries_however_many_people(people, django_assert_num_queries):
    with django_assert_num_queries(4):
        parse_story(STORY)
    for _ in range(30):
        person = PersonFactory()
        SourceFactory(author=person)
    with django_assert_num_queries(4):
        parse_story(STORY)


# Saving ---------------------------------------------------------------------------------------


def test_save_draft_saves_quotes_with_a_speaker_and_importing_twice_is_refused(people):
    ramesh, sita = people
    letter = SourceFactory(title="रमेश का बयान", author=ramesh)
    draft = parse_story(STORY)
    draft.quotes[1].speaker = None  # as if no one had been guessed
    article = save_draft(draft)
    assert article.status == Article.Status.DRAFT and not article.is_public
    assert [(q.position, q.speaker, q.source, q.kind) for q in article.quotes.all()] == [
        (1, ramesh, letter, Quote.Kind.DIRECT)
    ]
    assert set(article.people.all()) == {ramesh, sita}
    assert list(article.sources.all()) == [letter]

    again = parse_story(STORY)
    assert again.existing == article
    with pytest.raises(AlreadyImported):
        save_draft(again)
    assert Article.objects.count() == 1 and Quote.objects.count() == 1


# Judged on the seed ------------------------------------------------------------------------


def test_the_seed_source_text_gives_the_seed_story(seed):
    """Figures: body 23 of 23 paragraphs equal (byte for byte), 4 quotes offered, the seed's 4
    direct quotes all found with the right speaker and source, 0 false quotes."""
    draft = parse_story(SOURCE_TEXT.read_text(encoding="utf-8"))
    assert (draft.headline, draft.summary) == (seed.headline, seed.summary)
    ours, theirs = draft.body.split("\n\n"), seed.body.split("\n\n")
    assert len(ours) == len(theirs) == 23
    assert [fold(p) for p in ours] == [fold(p) for p in theirs]
    assert draft.body == seed.body
    assert set(draft.people) == set(seed.people.all())
    assert draft.people[0].slug == "मृणांक-शर्मा"  # in the order the story names them
    assert set(draft.organisations) == set(seed.organisations.all())

    direct = {fold(q.text): q for q in seed.quotes.filter(kind=Quote.Kind.DIRECT)}
    assert len(direct) == 4
    offered = {fold(q.text): q for q in draft.quotes}
    found = offered.keys() & direct.keys()
    false_quotes = offered.keys() - direct.keys()
    right_speakers = [k for k in found if offered[k].speaker == direct[k].speaker]
    right_sources = [k for k in found if offered[k].source == direct[k].source]
    assert (len(found), len(right_speakers), len(right_sources), len(false_quotes)) == (4, 4, 4, 0)
    # Not an apostrophe or slogan among the offers: the scare quotes stayed out.
    assert not {"सेफ", "क्लाउड कोवर्क", "जिम्मेदार ai लैब"} & offered.keys()
    # The seed story is already in the desk: saving again would duplicate it.
    assert draft.existing == seed


# The command ---------------------------------------------------------------------------------


def run(*args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_story", *args, stdout=out)
    return out.getvalue()


def test_command_prints_what_it_found_and_saves_nothing_without_save(people, tmp_path):
    path = tmp_path / "kahani.txt"
    path.write_text(STORY, encoding="utf-8")
    out = run(str(path))
    assert "Headline: शीर्षक: मंत्री ने इस्तीफा दिया" in out
    assert "रमेश वर्मा (Ramesh Verma), सीता राव (Sita Rao)" in out
    assert "speaker: सीता राव (Sita Rao)" in out
    assert "Nothing saved" in out
    assert not Article.objects.exists()


def test_command_with_save_saves_a_draft_and_says_which_quotes_have_no_speaker(db, tmp_path):
    PersonFactory(name="सीता राव", name_latin="Sita Rao", aliases="")
    path = tmp_path / "kahani.txt"
    path.write_text(STORY, encoding="utf-8")
    out = run(str(path), "--save")
    # रमेश is not in this database: his quote is printed, not saved, and it says so.
    assert "speaker: none guessed (not saved: a quote needs a speaker)" in out
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert [q.speaker.name for q in article.quotes.all()] == ["सीता राव"]
    with pytest.raises(CommandError, match="already in the desk"):
        run(str(path), "--save")
    assert Article.objects.count() == 1


def test_command_refuses_missing_unreadable_and_non_utf8_files(db, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.txt"))
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path))
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Café story\n\nA summary.\n".encode("latin-1"))
    with pytest.raises(CommandError, match=r"not UTF-8 text \(byte 3\)"):
        run(str(latin1))
    assert not Article.objects.exists()


# The admin page -----------------------------------------------------------------------------


def confirm_data(response):
    """The preview form's fields as the browser would post them, plus the confirm button."""
    form = response.context["choices"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (False, None)}
    return {**data, "confirm": "1"}


def test_preview_saves_nothing_escapes_and_costs_constant_queries(client, people):
    logged_in(client, EDITORS)
    hostile = STORY.replace("आगे क्या होगा?", "<script>alert(1)</script> आगे?")
    with CaptureQueriesContext(connection) as small:
        response = client.post(reverse(IMPORT_URL), {"text": hostile, "preview": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "csrfmiddlewaretoken" in html
    assert "सीता राव (Sita Rao)" in html
    assert not Article.objects.exists() and not Quote.objects.exists()

    for _ in range(20):
        SourceFactory(author=PersonFactory())
    with CaptureQueriesContext(connection) as large:
        client.post(reverse(IMPORT_URL), {"text": hostile, "preview": "1"})
    assert len(large) == len(small)


def test_confirm_saves_the_draft_with_the_chosen_quotes_and_speakers(client, people):
    ramesh, _sita = people
    logged_in(client, REPORTERS)
    preview = client.post(reverse(IMPORT_URL), {"text": STORY, "preview": "1"})
    data = confirm_data(preview)
    data.pop("keep_0")  # drop रमेश's quote
    data["speaker_1"] = str(ramesh.pk)  # and give the second to रमेश instead of सीता
    response = client.post(reverse(IMPORT_URL), data)
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert article.status == Article.Status.DRAFT
    assert [(q.text[:8], q.speaker) for q in article.quotes.all()] == [("यह फैसला", ramesh)]


def test_a_kept_quote_needs_a_speaker_and_nothing_is_saved_without_one(client, people):
    logged_in(client, EDITORS)
    preview = client.post(reverse(IMPORT_URL), {"text": STORY, "preview": "1"})
    data = {**confirm_data(preview), "speaker_0": ""}
    response = client.post(reverse(IMPORT_URL), data)
    assert response.status_code == 200
    assert response.context["choices"].errors["speaker_0"]
    assert not Article.objects.exists()


def test_upload_a_file_and_refuse_one_that_is_not_utf8(client, people):
    logged_in(client, EDITORS)
    upload = SimpleUploadedFile("kahani.txt", STORY.encode(), content_type="text/plain")
    response = client.post(reverse(IMPORT_URL), {"upload": upload, "preview": "1"})
    assert response.context["draft"].headline == "शीर्षक: मंत्री ने इस्तीफा दिया"
    bad = SimpleUploadedFile("kahani.txt", STORY.encode("utf-16"), content_type="text/plain")
    response = client.post(reverse(IMPORT_URL), {"upload": bad, "preview": "1"})
    assert response.status_code == 200 and "draft" not in response.context
    assert "kahani.txt" in str(response.context["form"].non_field_errors())


def test_the_seed_twice_is_refused_on_the_page(client, seed):
    logged_in(client, EDITORS)
    text = SOURCE_TEXT.read_text(encoding="utf-8")
    preview = client.post(reverse(IMPORT_URL), {"text": text, "preview": "1"})
    assert preview.context["existing"] == seed
    assert 'name="confirm"' not in preview.content.decode()
    client.post(reverse(IMPORT_URL), confirm_data(preview))
    assert Article.objects.count() == 1


def test_the_preview_is_in_hindi_for_a_hindi_browser(client, people):
    logged_in(client, EDITORS)
    response = client.post(
        reverse(IMPORT_URL), {"text": STORY, "preview": "1"}, HTTP_ACCEPT_LANGUAGE="hi"
    )
    html = response.content.decode()
    assert "मिले उद्धरण" in html and "मसौदे के रूप में सहेजें" in html
    assert "Quotes found" not in html and "Save as a draft" not in html


def test_only_those_who_may_add_articles_see_it(client, people, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    client.logout()
    assert client.get(reverse(IMPORT_URL)).status_code == 302  # to the login page

    logged_in(client, REPORTERS)
    assert client.get(reverse(IMPORT_URL)).status_code == 200
    changelist = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert reverse(IMPORT_URL) in changelist


def test_people_and_organisations_are_found_by_alias(db):
    PersonFactory(name="मृणांक शर्मा", name_latin="Mrinank Sharma", aliases="मृणांक")
    Organisation.objects.create(name="एंथ्रोपिक", name_latin="Anthropic", aliases="एंथ्रॉपिक")
    draft = parse_story("एंथ्रॉपिक की ख़बर\n\nसार.\n\nमृणांक ने लिखा.\n")
    assert [p.name for p in draft.people] == ["मृणांक शर्मा"]
    assert [o.name for o in draft.organisations] == ["एंथ्रोपिक"]
    assert Person.objects.count() == 1
