"""A stored-XSS corpus and the checker that says whether any of it became executable.

``PAYLOADS``: hostile text for every field an editor or reporter can write, each carrying a
unique marker (``xss01`` … ) so a failure names the payload that survived. ``URL_PAYLOADS``:
hostile addresses for URL fields (what loaddata lets in; forms refuse them). ``find_executable``
parses a page with html5lib (the WHATWG algorithm browsers use, so mutation XSS parses as it
would in Chromium) and lists every element, attribute or address that could run script.
"""

import json
import re

import html5lib

__all__ = [
    "MARKERS",
    "PAYLOADS",
    "URL_PAYLOADS",
    "find_executable",
    "find_executable_in_feed",
    "payload",
]


def _payloads():
    raw = [
        "<script>alert('{m}')</script>",
        "<img src=x onerror=alert('{m}')>",
        "<svg onload=alert('{m}')>",
        "<a href=\"javascript:alert('{m}')\">{m}</a>",
        "\"><script>alert('{m}')</script>",
        "'><img src=x onerror=alert('{m}')>",
        "</script><script>alert('{m}')</script>",
        "</title><script>alert('{m}')</script>",
        "</textarea><script>alert('{m}')</script>",
        "{{{{ request.user }}}}{{% debug %}}{{% load static %}}<b>{m}</b>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert('{m}')>\">",
        "<svg><style><img src=x onerror=alert('{m}')></style></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert('{m}')>",
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert('{m}')>",
        "<![CDATA[<script>alert('{m}')</script>]]>",
        "<!--><script>alert('{m}')</script>-->",
        "\\u003cscript\\u003ealert('{m}')\\u003c/script\\u003e \u202egnp.exe {m}",
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">{m}</a>',
        "<a href=\"javascript&colon;alert('{m}')\">{m}</a>",
        "<a href=\"&#x6a;avascript:alert('{m}')\">{m}</a>",
        "<a href=\"jav&#x09;ascript:alert('{m}')\">{m}</a>",
        "<iframe srcdoc=\"<script>alert('{m}')</script>\"></iframe>",
        "<object data=\"javascript:alert('{m}')\"></object><embed src=x{m}>",
        "<base href=\"javascript:alert('{m}')//\">",
        '<meta http-equiv="refresh" content="0;url=javascript:alert(\'{m}\')">',
        "<div style=\"width: expression(alert('{m}'))\">{m}</div>",
        "[{m}](javascript:alert('{m}')) [x](JaVaScRiPt:alert('{m}'))",
        "<details open ontoggle=alert('{m}')>",
        "<input autofocus onfocus=alert('{m}')>",
        "<a href=\"vbscript:msgbox('{m}')\">{m}</a>",
        "<svg><a xlink:href=\"javascript:alert('{m}')\"><text>{m}</text></a></svg>",
        "<button formaction=\"javascript:alert('{m}')\">{m}</button>",
    ]
    return [template.format(m=f"xss{n:02d}") for n, template in enumerate(raw, 1)]


PAYLOADS = _payloads()
MARKERS = [f"xss{n:02d}" for n in range(1, len(PAYLOADS) + 1)]

# For URL fields: what a fixture can load (forms refuse all of them).
URL_PAYLOADS = [
    "javascript:alert('xssu1')",
    "JaVaScRiPt:alert('xssu2')",
    "java\tscript:alert('xssu3')",
    " javascript:alert('xssu4')",
    "&#x6a;avascript:alert('xssu5')",
    "javascript&colon;alert('xssu6')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzdTcnKTwvc2NyaXB0Pg==",
    "vbscript:msgbox('xssu8')",
    "\x01javascript:alert('xssu9')",
    "\"><script>alert('xssu10')</script>",
]


def payload(n):
    """The ``n``-th payload, cycling: so any number of fields gets every payload in turn."""
    return PAYLOADS[n % len(PAYLOADS)]


_DANGEROUS_SCHEME = re.compile(r"\A(?:javascript|data|vbscript):")
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background"}
# noscript too: html5lib parses as if scripting were off, so it would read the mXSS classic
# <noscript><p title="</noscript><img onerror>"> as harmless text where Chromium runs it.
_ALWAYS_FORBIDDEN = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "noscript"}
_JSON_TYPES = {"application/ld+json", "application/json"}


def _local(name):
    return name.rsplit("}", 1)[-1].lower()


def _browser_url(value):
    """The address as a browser reads its scheme: ends stripped of controls and spaces, tabs
    and newlines removed, lower-cased (html5lib has already decoded entities)."""
    return re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21))))).lower()


def find_executable(page):
    """Every way ``page`` (an HTML document or fragment) could run script, as readable
    strings; ``[]`` when it cannot. Our own site has no script but JSON-LD; the admin's
    scripts are its own static files, so a script counts when it carries a marker."""
    tree = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        tag = _local(element.tag)
        attrs = {_local(k): v for k, v in element.attrib.items()}
        shown = f"<{tag} {attrs}>"
        if tag in _ALWAYS_FORBIDDEN:
            found.append(f"forbidden element {shown}")
        if tag == "script":
            text = element.text or ""
            if attrs.get("type", "").lower() in _JSON_TYPES:
                try:
                    json.loads(text)
                except ValueError:
                    found.append(f"JSON in a script that does not parse: {text[:200]!r}")
                if "</script" in text.lower():
                    found.append("JSON script holding </script")
            elif "xss" in text or "xss" in attrs.get("src", ""):
                found.append(f"script {text[:120]!r} {attrs}")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            found.append(f"meta refresh {shown}")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"event handler {name} on {shown}")
            elif name == "srcdoc":
                found.append(f"srcdoc on {shown}")
            elif name in _URL_ATTRIBUTES and _DANGEROUS_SCHEME.match(_browser_url(value)):
                found.append(f"{name}={value!r} on {shown}")
            elif name == "style" and re.search(r"expression\s*\(|javascript:", value, re.I):
                found.append(f"style {value!r} on {shown}")
    return found


def find_executable_in_feed(root):
    """``find_executable`` over every piece of HTML a parsed feed carries (an item's RSS
    description, an entry's Atom summary/content), plus every link in it that has a
    dangerous scheme. The channel's own description is plain text (RSS 2.0: "phrase or
    sentence"; Atom's subtitle is type="text"), as are titles, so they are not parsed."""
    found = []
    for item in root.iter():
        if _local(item.tag) not in {"item", "entry"}:
            continue
        for element in item:
            name = _local(element.tag)
            if name in {"description", "summary", "content", "encoded"} and element.text:
                found += find_executable(element.text)
    for element in root.iter():
        name = _local(element.tag) if isinstance(element.tag, str) else ""
        for attribute in ("href", "url"):
            value = element.get(attribute, "")
            if _DANGEROUS_SCHEME.match(_browser_url(value)):
                found.append(f"feed {name} {attribute}={value!r}")
        text = element.text or ""
        if name in {"link", "loc", "guid", "id"} and _DANGEROUS_SCHEME.match(_browser_url(text)):
            found.append(f"feed {name} {element.text!r}")
    return found
