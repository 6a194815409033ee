"""Read an edit page as a browser would post it back untouched: for tests of two people editing at once."""

from __future__ import annotations

from html.parser import HTMLParser


def drawn_form(client, url: str) -> dict[str, str]:
    """The values a person's edit page was drawn with: every input and text area, the hidden version too."""
    page = client.get(url)
    assert page.status_code == 200
    return drawn_form_from(page.content.decode())


class _FormValues(HTMLParser):
    """What a browser would post back untouched: inputs, checked radios and boxes, text areas, selected options."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            if attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.values[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def drawn_form_from(text: str) -> dict[str, str]:
    parser = _FormValues()
    parser.feed(text)
    values = {name: value.removeprefix("\n") for name, value in parser.values.items()}
    values.pop("csrfmiddlewaretoken", None)
    return values
