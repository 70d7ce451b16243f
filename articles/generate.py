"""A synthetic newsroom at any size, for the benchmark (``make bench``) and its smoke test.

``build_fixture(sizes, seed=…, now=…)`` returns a Django fixture (a list of objects in the
form ``fixtures/seed.json`` uses: natural keys, no ``pk``) and ``load_fixture`` loads it
through the project's own ``loaddata`` (articles/management/commands/loaddata.py: natural
keys, no change history written, the search index kept by its triggers or generated
column), in chunks of one model each, with a progress bar and the time per row of every
model. ``manage.py generate_newsroom`` is the command.

The contract:

* Deterministic: the same sizes, seed and ``now`` give the same fixture, byte for byte,
  and the same photographs.
* Coherent: every quote's words stand verbatim in its story's body (the integrity checks
  of articles/integrity.py pass), every story names its people and organisations in its
  body (so the linker links them), every direct or derived source exists before what
  cites it, every published time of a public story is before ``now``.
* Hindi first: about 85% of stories are Hindi, the rest English; about 3% are drafts and
  2% scheduled (published with a time after ``now``); the rest are spread over five years.
* The seed's sections are reused (its section rows are part of the fixture, so loading it
  next to the seed updates those rows and changes nothing).
* One marker row (the source ``generated-newsroom``) records the sizes and seed, so a
  second load can tell whether the database already holds a generated newsroom.

Person ``0`` speaks every 50th quote: at the default sizes a profile with 1,000 quotes,
the page the benchmark's "profile" row measures.
"""

import dataclasses
import datetime
import io
import json
import random
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image as PILImage
from PIL import ImageDraw

from articles.text import fold, slugify

MARKER_SLUG = "generated-newsroom"
#: Image files live here in the default storage, named after their key.
IMAGE_DIR = "images/generated"
IMAGE_SIZE = (1200, 675)
#: Every 50th quote is spoken by person 0 (1,000 of the default 50,000).
PROLIFIC_EVERY = 50
#: Rows per loaddata call: small enough for a lively progress bar, big enough that the
#: per-call cost (fixture discovery, a transaction, sequence resets) stays out of the way.
CHUNK_ROWS = 1000


@dataclasses.dataclass(frozen=True)
class Sizes:
    stories: int = 10_000
    people: int = 2_000
    organisations: int = 300
    quotes: int = 50_000
    tags: int = 500
    images: int = 2_000

    def as_dict(self):
        return dataclasses.asdict(self)


# Vocabulary -------------------------------------------------------------------------------

FIRST_NAMES = [
    ("राहुल", "Rahul"), ("प्रिया", "Priya"), ("अमित", "Amit"), ("सुनीता", "Sunita"),
    ("विकास", "Vikas"), ("नेहा", "Neha"), ("अर्जुन", "Arjun"), ("कविता", "Kavita"),
    ("संजय", "Sanjay"), ("पूजा", "Pooja"), ("रोहित", "Rohit"), ("अनीता", "Anita"),
    ("मनोज", "Manoj"), ("दीपिका", "Deepika"), ("सुरेश", "Suresh"), ("ममता", "Mamata"),
    ("आलोक", "Alok"), ("रश्मि", "Rashmi"), ("करण", "Karan"), ("स्नेहा", "Sneha"),
    ("विनोद", "Vinod"), ("शालिनी", "Shalini"), ("आदित्य", "Aditya"), ("मीरा", "Meera"),
    ("गौरव", "Gaurav"), ("निधि", "Nidhi"), ("श्वेता", "Shweta"), ("प्रकाश", "Prakash"),
    ("रेखा", "Rekha"), ("अभिषेक", "Abhishek"), ("सीमा", "Seema"), ("तरुण", "Tarun"),
    ("ज्योति", "Jyoti"), ("नितिन", "Nitin"), ("आरती", "Aarti"), ("राजेश", "Rajesh"),
    ("लता", "Lata"), ("यश", "Yash"), ("इरफ़ान", "Irfan"), ("फ़ातिमा", "Fatima"),
    ("ज़ोया", "Zoya"), ("गुरप्रीत", "Gurpreet"), ("हरलीन", "Harleen"), ("जॉन", "John"),
    ("मारिया", "Maria"),
]  # fmt: skip
SURNAMES = [
    ("शर्मा", "Sharma"), ("वर्मा", "Verma"), ("गुप्ता", "Gupta"), ("सिंह", "Singh"),
    ("यादव", "Yadav"), ("मिश्रा", "Mishra"), ("पांडे", "Pandey"), ("जोशी", "Joshi"),
    ("चौधरी", "Chaudhary"), ("अग्रवाल", "Agarwal"), ("कुमार", "Kumar"),
    ("त्रिपाठी", "Tripathi"), ("दुबे", "Dubey"), ("तिवारी", "Tiwari"),
    ("श्रीवास्तव", "Srivastava"), ("नायर", "Nair"), ("अय्यर", "Iyer"), ("रेड्डी", "Reddy"),
    ("पटेल", "Patel"), ("देसाई", "Desai"), ("बनर्जी", "Banerjee"), ("चटर्जी", "Chatterjee"),
    ("मुखर्जी", "Mukherjee"), ("घोष", "Ghosh"), ("बोस", "Bose"), ("सेन", "Sen"),
    ("ख़ान", "Khan"), ("क़ुरैशी", "Qureshi"), ("अंसारी", "Ansari"), ("सिद्दीक़ी", "Siddiqui"),
    ("गिल", "Gill"), ("ढिल्लों", "Dhillon"), ("संधू", "Sandhu"), ("कपूर", "Kapoor"),
    ("मल्होत्रा", "Malhotra"), ("खन्ना", "Khanna"), ("सक्सेना", "Saxena"), ("भट्ट", "Bhatt"),
    ("राव", "Rao"), ("पिल्लै", "Pillai"), ("डिसूज़ा", "D'Souza"), ("फ़र्नांडिस", "Fernandes"),
    ("मैथ्यू", "Mathew"), ("ओ'ब्रायन", "O'Brien"), ("थापा", "Thapa"),
]  # fmt: skip
#: Only past first × surname combinations: "राहुल प्रसाद शर्मा".
MIDDLE_NAMES = [
    ("प्रसाद", "Prasad"), ("चंद्र", "Chandra"), ("नाथ", "Nath"), ("लाल", "Lal"),
    ("मोहन", "Mohan"), ("रानी", "Rani"), ("देव", "Dev"), ("किशोर", "Kishore"),
]  # fmt: skip
REGIONS = [
    ("भारतीय", "Indian"), ("राष्ट्रीय", "National"), ("दिल्ली", "Delhi"),
    ("मुंबई", "Mumbai"), ("उत्तर प्रदेश", "Uttar Pradesh"), ("बिहार", "Bihar"),
    ("केरल", "Kerala"), ("पंजाब", "Punjab"), ("गुजरात", "Gujarat"), ("बंगाल", "Bengal"),
]  # fmt: skip
FIELDS = [
    ("ऊर्जा", "Energy"), ("बीमा", "Insurance"), ("रेल", "Rail"), ("इस्पात", "Steel"),
    ("सॉफ़्टवेयर", "Software"), ("कृषि", "Agriculture"), ("स्वास्थ्य", "Health"),
    ("शिक्षा", "Education"), ("जल", "Water"), ("खनन", "Mining"), ("दूरसंचार", "Telecom"),
    ("परिवहन", "Transport"), ("विज्ञान", "Science"), ("फ़िल्म", "Film"), ("क्रिकेट", "Cricket"),
]  # fmt: skip
BODIES = [
    ("निगम", "Corporation", "company"), ("लिमिटेड", "Limited", "company"),
    ("विश्वविद्यालय", "University", "university"), ("आयोग", "Commission", "government"),
    ("प्राधिकरण", "Authority", "government"), ("मोर्चा", "Front", "party"),
    ("परिषद", "Council", "other"), ("संघ", "Association", "other"),
]  # fmt: skip
TOPICS = [
    ("चुनाव", "elections"), ("बजट", "budget"), ("महंगाई", "inflation"), ("बारिश", "monsoon"),
    ("शिक्षा नीति", "education policy"), ("रेल किराया", "rail fares"),
    ("बिजली संकट", "power shortage"), ("स्टार्टअप", "startups"), ("साइबर सुरक्षा", "cyber security"),
    ("प्रदूषण", "pollution"), ("किसान आंदोलन", "farm protests"), ("टी20 लीग", "T20 league"),
    ("सेमीकंडक्टर", "semiconductors"), ("स्वास्थ्य बीमा", "health insurance"),
    ("शहरी आवास", "urban housing"), ("जल संकट", "water crisis"), ("रोज़गार", "jobs"),
    ("डेटा संरक्षण", "data protection"), ("अंतरिक्ष मिशन", "space mission"),
    ("फ़िल्म उद्योग", "film industry"),
]  # fmt: skip
PLACES = [
    ("लखनऊ", "Lucknow"), ("पटना", "Patna"), ("जयपुर", "Jaipur"), ("भोपाल", "Bhopal"),
    ("कोलकाता", "Kolkata"), ("चेन्नई", "Chennai"), ("बेंगलुरु", "Bengaluru"),
    ("हैदराबाद", "Hyderabad"), ("पुणे", "Pune"), ("गुवाहाटी", "Guwahati"), ("शिमला", "Shimla"),
    ("रांची", "Ranchi"), ("इंदौर", "Indore"), ("नागपुर", "Nagpur"), ("देहरादून", "Dehradun"),
]  # fmt: skip
TAG_QUALIFIERS = [
    ("", ""), ("नीति", "policy"), ("रिपोर्ट", "report"), ("विवाद", "row"), ("सर्वे", "survey"),
    ("अदालत", "court"), ("संसद", "parliament"), ("आंकड़े", "data"), ("बहस", "debate"),
    ("सुधार", "reform"), ("जांच", "inquiry"), ("योजना", "scheme"),
]  # fmt: skip

# Sentences a body is made of. {p} a person, {o} an organisation, {t} a topic, {c} a
# place, {n} a number. Hindi ones keep "सरकार" often, so a search for it matches most
# stories (the benchmark's search row).
HINDI_SENTENCES = [
    "{c} में {t} को लेकर सरकार और विपक्ष के बीच बहस तेज़ हो गई है.",
    "{o} के अधिकारियों ने बताया कि {t} पर अगले हफ्ते {n} बैठकें होंगी.",
    "जानकारों का मानना है कि {t} का असर आम लोगों की जेब पर सीधे पड़ेगा.",
    "पिछले साल के मुकाबले इस बार आंकड़ों में करीब {n} फ़ीसदी का फ़र्क दिखा है.",
    "सरकार ने कहा है कि {c} के लिए {n} करोड़ रुपये की नई योजना जल्द शुरू होगी.",
    "स्थानीय लोगों ने शिकायत की कि {t} पर किए गए वादे अब तक पूरे नहीं हुए.",
    "{o} ने अपने बयान में कहा कि सभी पक्षों से बातचीत जारी है.",
    "इस मुद्दे पर संसद की स्थायी समिति भी {n} दिन में रिपोर्ट देगी.",
    "विशेषज्ञों के मुताबिक {c} जैसे शहरों में यह समस्या सबसे गंभीर है.",
    "सोशल मीडिया पर भी {t} को लेकर लोगों की प्रतिक्रियाएं आ रही हैं.",
    "अधिकारियों ने माना कि ज़मीनी स्तर पर अभी बहुत काम बाकी है.",
    "सरकार के आंकड़ों के अनुसार {n} लाख लोग इससे सीधे प्रभावित हैं.",
]
HINDI_PERSON_SENTENCES = [
    "{p} ने इस पूरे मामले पर {c} में पत्रकारों से बात की.",
    "{p} पिछले कई वर्षों से {t} के मुद्दे पर काम कर रहे हैं.",
    "बैठक में {p} भी मौजूद थे और उन्होंने कई सवाल उठाए.",
    "{p} का कहना है कि {o} को इस पर जल्द फ़ैसला लेना चाहिए.",
]
ENGLISH_SENTENCES = [
    "The debate over {t} in {c} has sharpened between the government and the opposition.",
    "Officials at {o} said there would be {n} meetings on {t} next week.",
    "Experts say the effect of {t} will be felt directly by ordinary households.",
    "Compared with last year, the figures show a difference of about {n} per cent.",
    "The government says a new scheme worth {n} crore rupees will start soon in {c}.",
    "Residents complained that promises made on {t} have still not been kept.",
    "In a statement, {o} said talks with every side were continuing.",
    "A standing committee of parliament will report on the issue within {n} days.",
    "According to analysts, the problem is most acute in cities such as {c}.",
    "Officials admitted that much remains to be done on the ground.",
]
ENGLISH_PERSON_SENTENCES = [
    "{p} spoke to reporters in {c} about the whole affair.",
    "{p} has worked on {t} for several years.",
    "{p} was also at the meeting and raised several questions.",
    "{p} says {o} should decide on it soon.",
]
HINDI_QUOTES = [
    "हम {t} पर किसी भी तरह का समझौता नहीं करेंगे",
    "{c} के लोगों को उनका हक़ मिलना ही चाहिए",
    "यह फ़ैसला आने वाली पीढ़ियों के लिए है, सिर्फ़ आज के लिए नहीं",
    "हमने {n} बार चिट्ठी लिखी, पर कोई जवाब नहीं आया",
    "{t} पर सरकार की नीति पूरी तरह साफ़ है",
    "हमें आंकड़ों पर नहीं, ज़मीन पर बदलाव दिखना चाहिए",
]
ENGLISH_QUOTES = [
    "We will not compromise on {t} in any way",
    "The people of {c} must get what is theirs",
    "This decision is for the generations to come, not just for today",
    "We wrote {n} letters and never got an answer",
    "The policy on {t} is completely clear",
    "We need to see change on the ground, not in the figures",
]
HINDI_HEADLINES = [
    "{c} में {t} पर घमासान: {o} ने क्या कहा",
    "'{q}': {p} का बयान चर्चा में",
    "{t} पर {p} के सवाल, {o} का जवाब",
    "{o} & {o2}: {t} पर नया समझौता",
    "बजट < उम्मीद? {c} में {t} पर सवाल",
    '"{t}" पर {p} बोले, सरकार जल्द फ़ैसला ले',
    "{c} से ग्राउंड रिपोर्ट: {t} की असली तस्वीर",
]
ENGLISH_HEADLINES = [
    "{p}'s plan for {t} in {c}",
    "'{q}', says {p}",
    "{o} & {o2} agree on {t}",
    "Growth < 5%? What {o} said about {t}",
    '"Not enough": {p} on {t}',
    "From {c}: the real picture of {t}",
]
ROLES = [
    ("प्रवक्ता", "Spokesperson"), ("अध्यक्ष", "Chair"), ("निदेशक", "Director"),
    ("सलाहकार", "Adviser"), ("सचिव", "Secretary"), ("शोधकर्ता", "Researcher"),
    ("महासचिव", "General Secretary"), ("मुख्य कार्यकारी अधिकारी", "Chief Executive"),
]  # fmt: skip
SOURCE_KINDS = ["press_report", "social_post", "interview", "press_release", "document"]


# Building the fixture ---------------------------------------------------------------------


def default_now():
    """Midnight UTC today: the same fixture all day for the same seed."""
    today = datetime.datetime.now(datetime.UTC).date()
    return datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)


def seed_sections():
    """The seed's section rows (fixtures/seed.json), reused as they are."""
    with open(Path(settings.BASE_DIR) / "fixtures" / "seed.json", encoding="utf-8") as handle:
        return [row for row in json.load(handle) if row["model"] == "articles.section"]


def _iso(value):
    return value.isoformat() if value is not None else None


def _people(n):
    """n distinct (Hindi, Latin) names."""
    out = []
    combos = len(FIRST_NAMES) * len(SURNAMES)
    for i in range(n):
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = SURNAMES[(i // len(FIRST_NAMES)) % len(SURNAMES)]
        if i < combos:
            out.append((f"{first[0]} {last[0]}", f"{first[1]} {last[1]}"))
            continue
        middle = MIDDLE_NAMES[(i // combos - 1) % len(MIDDLE_NAMES)]
        # Past every middle name too: a generation number keeps names distinct.
        generation = (i // combos - 1) // len(MIDDLE_NAMES)
        suffix = (f" {generation + 1}", f" {generation + 1}") if generation else ("", "")
        out.append(
            (
                f"{first[0]} {middle[0]} {last[0]}{suffix[0]}",
                f"{first[1]} {middle[1]} {last[1]}{suffix[1]}",
            )
        )
    return out


def _organisations(n, rng):
    combos = [(r, f, b) for b in BODIES for f in FIELDS for r in REGIONS]
    rng.shuffle(combos)
    out = []
    for i in range(n):
        region, field, body = combos[i % len(combos)]
        number = f" {i // len(combos) + 1}" if i >= len(combos) else ""
        out.append(
            (
                f"{region[0]} {field[0]} {body[0]}{number}",
                f"{region[1]} {field[1]} {body[1]}{number}",
                body[2],
            )
        )
    return out


def _tags(n):
    """n tag names, distinct after folding, none folding like a seed tag."""
    reserved = {fold(name) for name in ("Anthropic", "AI सेफ्टी", "इस्तीफा", "Claude", "OpenAI")}
    reserved |= {fold("आर्टिफिशियल इंटेलिजेंस"), fold("कविता")}
    names, seen, slugs = [], set(reserved), set()
    candidates = []
    for qualifier in TAG_QUALIFIERS:
        for topic in TOPICS:
            candidates.append(" ".join(filter(None, (topic[0], qualifier[0]))))
            candidates.append(" ".join(filter(None, (topic[1], qualifier[1]))).capitalize())
        for place in PLACES:
            candidates.append(" ".join(filter(None, (place[0], qualifier[0]))))
    round_ = 0
    while len(names) < n:
        for candidate in candidates:
            name = candidate if not round_ else f"{candidate} {round_ + 1}"
            slug = slugify(name, max_length=100)
            if fold(name) in seen or slug in slugs:
                continue
            seen.add(fold(name))
            slugs.add(slug)
            names.append((name, slug))
            if len(names) == n:
                break
        round_ += 1
    return names


class _Story:
    """What one story needs while it is built."""

    def __init__(self, index, language):
        self.index = index
        self.language = language
        self.people = []
        self.organisations = []
        self.quotes = []  # (speaker index, kind)
        self.sources = []


def build_fixture(sizes: Sizes, *, seed: int = 1, now: datetime.datetime | None = None):
    """The whole newsroom as a list of fixture objects, in loading order.

    Deterministic for the same ``sizes``, ``seed`` and ``now`` (default: ``default_now()``).
    """
    rng = random.Random(seed)
    now = now or default_now()
    objects = []

    def add(model, **fields):
        objects.append({"model": f"articles.{model}", "fields": fields})

    def stamp(when):
        return {"created_at": _iso(when), "updated_at": _iso(when)}

    def pick(lang, pair):
        return pair[0] if lang == "hi" else pair[1]

    # Tags.
    tags = _tags(sizes.tags)
    for name, slug in tags:
        add("tag", name=name, slug=slug)

    # Images: keys and rows; the files are written by write_images().
    image_keys = [f"gen-photo-{i + 1:05d}" for i in range(sizes.images)]
    for i, key in enumerate(image_keys):
        place = PLACES[i % len(PLACES)]
        taken = now - datetime.timedelta(days=rng.randint(1, 5 * 365))
        add(
            "image",
            key=key,
            file=f"{IMAGE_DIR}/{key}.jpg",
            width=IMAGE_SIZE[0],
            height=IMAGE_SIZE[1],
            alt_text=f"{place[0]} की एक सड़क पर लोगों की भीड़ (तस्वीर {i + 1})",
            language="hi",
            caption=f"{place[0]} में एक सभा के दौरान की तस्वीर.",
            credit="फ़ोटो: न्यूज़रूम",
            copyright="© Newsroom",
            licence_url="",
            taken_on=taken.date().isoformat(),
            focal_x=round(rng.uniform(0.3, 0.7), 2),
            focal_y=round(rng.uniform(0.3, 0.7), 2),
            **stamp(taken),
        )

    # Organisations.
    organisations = _organisations(sizes.organisations, rng)
    org_slugs = []
    for i, (name, latin, kind) in enumerate(organisations):
        slug = slugify(latin, max_length=200)
        org_slugs.append(slug)
        add(
            "organisation",
            name=name,
            name_latin=latin,
            slug=slug,
            aliases="",
            kind=kind,
            description=f"{name} ({latin}) से जुड़ी ख़बरें और बयान.",
            website=f"https://{slug}.example.in/",
            wikipedia_url="",
            wikidata_id=f"Q{900000 + i}",
            **stamp(now - datetime.timedelta(days=6 * 365)),
        )

    # People: the first few are the newsroom's own writers (bylines).
    names = _people(sizes.people)
    person_slugs = [slugify(latin, max_length=200) for _, latin in names]
    writers = max(2, sizes.people // 40)
    for i, (name, latin) in enumerate(names):
        role = ROLES[i % len(ROLES)]
        photo = [image_keys[i % len(image_keys)]] if image_keys and i % 3 == 0 else None
        add(
            "person",
            name=name,
            name_latin=latin,
            slug=person_slugs[i],
            aliases=latin if i % 2 else "",
            description=f"{role[0]}" if i >= writers else "न्यूज़रूम संवाददाता",
            bio=f"{name} {PLACES[i % len(PLACES)][0]} में रहते हैं और {TOPICS[i % len(TOPICS)][0]}"
            " पर काम करते हैं.",
            newsroom_role=("staff" if i % 2 == 0 else "contributor") if i < writers else "",
            photo=photo,
            website="",
            wikipedia_url="",
            wikidata_id="",
            **stamp(now - datetime.timedelta(days=6 * 365)),
        )

    # Stories, planned before any source so that each story's sources can be written.
    stories = []
    for i in range(sizes.stories):
        story = _Story(i, "hi" if rng.random() < 0.85 else "en")
        count = min(sizes.people, rng.randint(2, 6))
        story.people = rng.sample(range(sizes.people), count) if sizes.people else []
        if sizes.organisations:
            story.organisations = rng.sample(
                range(sizes.organisations), min(sizes.organisations, rng.randint(1, 3))
            )
        stories.append(story)
    # Quotes: spread evenly, every PROLIFIC_EVERY-th spoken by person 0.
    for q in range(sizes.quotes if sizes.stories and sizes.people else 0):
        story = stories[q % sizes.stories]
        if q % PROLIFIC_EVERY == 0:
            speaker = 0
            if 0 not in story.people:
                story.people.append(0)
        else:
            speaker = rng.choice(story.people)
        kind = "paraphrase" if rng.random() < 0.1 else "direct"
        story.quotes.append((speaker, kind))

    # Sources: one marker, then per story a report, sometimes based on a post by one of
    # its people (the post comes first: based_on always points back).
    source_rows = []
    add(
        "source",
        slug=MARKER_SLUG,
        title="Generated newsroom (articles/generate.py)",
        kind="other",
        author=None,
        author_organisation=None,
        author_name="",
        url="",
        archive_url="",
        published_on=None,
        based_on=None,
        notes=json.dumps({"seed": seed, **sizes.as_dict()}, sort_keys=True),
        **stamp(now),
    )
    for story in stories:
        lang = story.language
        topic = pick(lang, TOPICS[story.index % len(TOPICS)])
        post = None
        if rng.random() < 0.4 and story.people:
            author = story.people[0]
            post = f"post-{story.index + 1}-{person_slugs[author]}"
            source_rows.append(
                {
                    "title": f"{pick(lang, names[author])}: {topic} (post)",
                    "slug": post,
                    "kind": "social_post",
                    "author": [person_slugs[author]],
                    "author_organisation": None,
                    "author_name": "",
                    "url": f"https://social.example.net/{person_slugs[author]}/{story.index}",
                }
            )
            story.sources.append(post)
        report = f"report-{story.index + 1}"
        by_org = story.organisations and rng.random() < 0.3
        source_rows.append(
            {
                "title": f"{topic} ({report})",
                "slug": report,
                "kind": "press_release" if by_org else rng.choice(SOURCE_KINDS),
                "author": None,
                "author_organisation": [org_slugs[story.organisations[0]]] if by_org else None,
                "author_name": "" if by_org else "समाचार एजेंसी",
                "url": f"https://news.example.net/{report}",
                "based_on": [post] if post else None,
            }
        )
        story.sources.append(report)
    for row in source_rows:
        published = now - datetime.timedelta(days=rng.randint(1, 5 * 365))
        add(
            "source",
            archive_url="",
            published_on=published.date().isoformat(),
            notes="",
            **{"based_on": None, **row},
            **stamp(published),
        )

    # Affiliations: one to three dated roles per person, the last one current.
    for i, slug in enumerate(person_slugs):
        if not org_slugs:
            break
        start = now.date() - datetime.timedelta(days=rng.randint(3 * 365, 20 * 365))
        roles = rng.randint(1, 3)
        for position in range(1, roles + 1):
            role = ROLES[(i + position) % len(ROLES)]
            last = position == roles
            end = None if last else start + datetime.timedelta(days=rng.randint(200, 900))
            add(
                "affiliation",
                person=[slug],
                position=position,
                organisation=[org_slugs[rng.randrange(len(org_slugs))]],
                body_name="",
                title=role[0],
                title_en=role[1],
                started_on=start.isoformat(),
                ended_on=end.isoformat() if end else None,
                ended=end is not None,
                source=None,
            )
            if end:
                start = end + datetime.timedelta(days=1)

    # Sections: the seed's.
    sections = seed_sections()
    objects.extend(sections)
    section_slugs = [row["fields"]["slug"] for row in sections]

    # Articles, bylines, quotes.
    article_rows, author_rows, quote_rows = [], [], []
    for story in stories:
        lang = story.language
        vocabulary = 0 if lang == "hi" else 1
        person_names = [names[p][vocabulary] for p in story.people]
        org_names = [organisations[o][vocabulary] for o in story.organisations]

        def draw(template, person="", quote="", org_names=org_names, vocabulary=vocabulary):
            org = rng.choice(org_names) if org_names else ""
            org2 = rng.choice(org_names) if org_names else ""
            return template.format(
                p=person,
                o=org,
                o2=org2,
                q=quote,
                t=TOPICS[rng.randrange(len(TOPICS))][vocabulary],
                c=PLACES[rng.randrange(len(PLACES))][vocabulary],
                n=rng.randint(2, 90),
            )

        plain = HINDI_SENTENCES if lang == "hi" else ENGLISH_SENTENCES
        about = HINDI_PERSON_SENTENCES if lang == "hi" else ENGLISH_PERSON_SENTENCES
        quote_templates = HINDI_QUOTES if lang == "hi" else ENGLISH_QUOTES
        paragraphs = [
            " ".join(draw(rng.choice(plain)) for _ in range(rng.randint(3, 5)))
            for _ in range(rng.randint(8, 20))
        ]
        # Every person and organisation named in the body, each in a paragraph of its own
        # choosing (so the linker has a first mention to link).
        for name in person_names:
            spot = rng.randrange(len(paragraphs))
            paragraphs[spot] = f"{paragraphs[spot]} {draw(rng.choice(about), person=name)}"
        for name in org_names:
            spot = rng.randrange(len(paragraphs))
            sentence = (
                f"{name} ने इस पर अभी कोई टिप्पणी नहीं की है."
                if lang == "hi"
                else f"{name} has not commented yet."
            )
            paragraphs[spot] = f"{paragraphs[spot]} {sentence}"
        quotes = []
        for position, (speaker, kind) in enumerate(story.quotes, start=1):
            words = draw(rng.choice(quote_templates))
            # Distinct words per quote: a reader's link to quote N finds quote N.
            words = f"{words} ({position})"
            speaker_name = names[speaker][vocabulary]
            line = (
                f'{speaker_name} ने कहा, "{words}."'
                if lang == "hi"
                else f'"{words}," said {speaker_name}.'
            )
            spot = rng.randrange(len(paragraphs))
            paragraphs[spot] = f"{paragraphs[spot]} {line}"
            quotes.append((position, speaker, kind, words))
        if len(paragraphs) > 6:
            heading = "## " + ("आगे क्या?" if lang == "hi" else "What next?")
            paragraphs.insert(len(paragraphs) // 2, heading)

        first_person = person_names[0] if person_names else ""
        # The headline quotes the first quote's words without their (N).
        first_quote = (
            quotes[0][3].rsplit(" (", 1)[0] if quotes else draw(rng.choice(quote_templates))
        )
        headline = draw(
            rng.choice(HINDI_HEADLINES if lang == "hi" else ENGLISH_HEADLINES),
            person=first_person,
            quote=first_quote,
        )
        # By index, not by chance: even a tiny newsroom has a draft and a scheduled story.
        if story.index % 33 == 5:
            status, published = "draft", None
            created = now - datetime.timedelta(hours=rng.randint(1, 24 * 60))
        elif story.index % 50 == 7:
            status = "published"
            published = now + datetime.timedelta(days=rng.randint(2, 60))
            created = now - datetime.timedelta(hours=rng.randint(1, 48))
        else:
            status = "published"
            published = now - datetime.timedelta(minutes=rng.randint(60, 5 * 365 * 24 * 60))
            created = published - datetime.timedelta(hours=rng.randint(1, 12))
        slug = f"{slugify(headline, max_length=180)}-{story.index + 1}"
        lead = None
        if image_keys and rng.random() < 0.5:
            lead = [image_keys[rng.randrange(len(image_keys))]]
        summary = draw(rng.choice(plain))
        article_rows.append(
            {
                "model": "articles.article",
                "fields": {
                    "headline": headline,
                    "slug": slug,
                    "summary": summary,
                    "body": "\n\n".join(paragraphs),
                    "language": lang,
                    "status": status,
                    "published_at": _iso(published),
                    "created_at": _iso(created),
                    "updated_at": _iso(published if published and published < now else created),
                    "section": [section_slugs[rng.randrange(len(section_slugs))]],
                    "lead_image": lead,
                    "people": [[person_slugs[p]] for p in story.people],
                    "organisations": [[org_slugs[o]] for o in story.organisations],
                    "sources": [[source] for source in story.sources],
                },
            }
        )
        byline = rng.sample(range(writers), min(writers, rng.choice((0, 1, 1, 1, 2))))
        for position, writer in enumerate(byline, start=1):
            author_rows.append(
                {
                    "model": "articles.articleauthor",
                    "fields": {
                        "article": [slug],
                        "person": [person_slugs[writer]],
                        "position": position,
                    },
                }
            )
        said = (published or created).date()
        for position, speaker, kind, words in quotes:
            quote_rows.append(
                {
                    "model": "articles.quote",
                    "fields": {
                        "article": [slug],
                        "position": position,
                        "speaker": [person_slugs[speaker]],
                        "text": words,
                        "original_text": "",
                        "original_language": "",
                        "source": [story.sources[-1]],
                        "kind": kind,
                        "said_on": said.isoformat(),
                        **stamp(created),
                    },
                }
            )
        story.slug = slug
    objects.extend(article_rows)
    objects.extend(author_rows)
    objects.extend(quote_rows)

    # Tag links: 1–4 per story, 1–2 on half the people, one on a third of the quotes.
    if tags:
        tag_names = [name for name, _ in tags]
        for story in stories:
            for name in rng.sample(tag_names, min(len(tag_names), rng.randint(1, 4))):
                add("articletag", content_object=[story.slug], tag=[name])
        for i, slug in enumerate(person_slugs):
            if i % 2 == 0:
                for name in rng.sample(tag_names, min(len(tag_names), rng.randint(1, 2))):
                    add("persontag", content_object=[slug], tag=[name])
        for row in quote_rows:
            if rng.random() < 1 / 3:
                key = [*row["fields"]["article"], row["fields"]["position"]]
                add("quotetag", content_object=key, tag=[rng.choice(tag_names)])
    return objects


def dump(objects) -> str:
    """The fixture as JSON text (UTF-8, Devanagari as written)."""
    return json.dumps(objects, ensure_ascii=False, indent=1)


# Photographs --------------------------------------------------------------------------------


def photograph(key: str) -> bytes:
    """A real JPEG of IMAGE_SIZE, different for every key and the same every time: a
    two-colour gradient, a few shapes and the key written on it."""
    rng = random.Random(key)
    width, height = IMAGE_SIZE
    top = tuple(rng.randrange(256) for _ in range(3))
    bottom = tuple(rng.randrange(256) for _ in range(3))
    mask = PILImage.linear_gradient("L").resize((width, height))
    picture = PILImage.composite(
        PILImage.new("RGB", (width, height), bottom),
        PILImage.new("RGB", (width, height), top),
        mask,
    )
    draw = ImageDraw.Draw(picture)
    for _ in range(6):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randint(30, 160)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    draw.text((40, height - 80), key, fill=(255, 255, 255), font_size=48)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def write_images(objects, progress=None) -> int:
    """Write the photograph of every image row to the default storage (replacing a file of
    the same name, so the rows' file names hold). Returns how many."""
    rows = [row for row in objects if row["model"] == "articles.image"]
    for row in rows:
        name = row["fields"]["file"]
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(photograph(row["fields"]["key"])))
        assert saved == name, (saved, name)
        if progress:
            progress(1)
    return len(rows)


# Loading ------------------------------------------------------------------------------------


def existing_marker():
    """The sizes and seed of the generated newsroom in the database, or None."""
    from articles.models import Source

    notes = Source.objects.filter(slug=MARKER_SLUG).values_list("notes", flat=True).first()
    return json.loads(notes) if notes else None


def chunks(objects, size=CHUNK_ROWS):
    """Consecutive runs of at most ``size`` objects of one model each, in order."""
    run = []
    for row in objects:
        if run and (len(run) == size or run[-1]["model"] != row["model"]):
            yield run
            run = []
        run.append(row)
    if run:
        yield run


@dataclasses.dataclass
class LoadReport:
    rows: int = 0
    seconds: float = 0.0
    by_model: dict = dataclasses.field(default_factory=dict)  # model: [rows, seconds]

    @property
    def per_row_ms(self):
        return 1000 * self.seconds / self.rows if self.rows else 0.0

    def model_per_row_ms(self, model):
        rows, seconds = self.by_model.get(model, (0, 0.0))
        return 1000 * seconds / rows if rows else 0.0


def load_fixture(objects, *, progress=None, database="default") -> LoadReport:
    """Load ``objects`` with ``manage.py loaddata``, one chunk (one model) per call, timed.

    ``progress(n)`` is called after each chunk with the rows it loaded. Each chunk is its
    own transaction: a broken chunk is refused whole, earlier chunks stay.
    """
    report = LoadReport()
    with tempfile.TemporaryDirectory(prefix="newsroom-fixture-") as directory:
        for number, run in enumerate(chunks(objects)):
            path = Path(directory) / f"chunk-{number:05d}.json"
            path.write_text(dump(run), encoding="utf-8")
            started = time.perf_counter()
            call_command("loaddata", str(path), database=database, verbosity=0)
            elapsed = time.perf_counter() - started
            model = run[0]["model"]
            rows, seconds = report.by_model.get(model, (0, 0.0))
            report.by_model[model] = (rows + len(run), seconds + elapsed)
            report.rows += len(run)
            report.seconds += elapsed
            if progress:
                progress(len(run))
    return report


def make_renditions():
    """Run the project's ``make_renditions`` for the loaded images (quietly)."""
    call_command("make_renditions", stdout=io.StringIO())
