"""Submit an admin page's form the way a browser would, from its rendered HTML.

Reading the real page (instead of building POST data by hand) keeps the tests true to what
an editor submits: every inline, management form, split date/time and tag widget included.
"""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = []  # (name, value) pairs, in document order
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
                return
            self.data.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "options": [], "multiple": "multiple" in attrs}
        elif tag == "option" and self._select is not None:
            self._select["options"].append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            # Browsers drop the newline that follows <textarea>.
            if value.startswith("\r\n"):
                value = value[2:]
            elif value.startswith("\n"):
                value = value[1:]
            self.data.append((name, value))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._select["options"] if selected]
            if not chosen and not self._select["multiple"] and self._select["options"]:
                chosen = [self._select["options"][0][0]]
            self.data.extend((self._select["name"], value) for value in chosen)
            self._select = None


def form_data(html, form_id):
    """The name → value (or list of values) a browser would submit from form ``form_id``.

    Inline "empty form" templates (``__prefix__``) are left out, as the admin's JS does.
    """
    parser = _FormParser(form_id)
    parser.feed(html)
    data = {}
    for name, value in parser.data:
        if "__prefix__" in name:
            continue
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def admin_form(client, url, form_id):
    """GET ``url`` and return its form's data, ready to edit and POST back."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return form_data(response.content.decode(), form_id)


def with_inline_rows(data, prefix, rows):
    """``data`` (a form's data from :func:`admin_form`) with inline ``prefix``'s rows replaced
    by ``rows`` (dicts of field → value): the saved rows are ticked for deletion and the
    new ones added after them, as an editor does it on the page."""
    initial = int(data[f"{prefix}-INITIAL_FORMS"])
    for i in range(initial):
        data[f"{prefix}-{i}-DELETE"] = "on"
    for offset, row in enumerate(rows):
        data.update({f"{prefix}-{initial + offset}-{name}": value for name, value in row.items()})
    data[f"{prefix}-TOTAL_FORMS"] = str(initial + len(rows))
    return data


def with_byline(data, *people):
    """An article's form ``data`` with its byline set to ``people``, in that order."""
    rows = [{"person": str(person.pk), "position": str(n)} for n, person in enumerate(people, 1)]
    return with_inline_rows(data, "byline", rows)
