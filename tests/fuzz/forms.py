"""Finding the app's HTML forms the way a browser does (crawl the pages, read each <form>), and Hypothesis
strategies that fill their fields with hostile values, by field type."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from hypothesis import strategies as st

# --- Reading forms -------------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # an <input> type, "textarea", "select", "select-multiple", or "button"
    value: str = ""
    options: list[str] = field(default_factory=list)  # select options, radio/checkbox values, button values
    chosen: list[str] = field(default_factory=list)  # what the page pre-selected (checked, selected)

    def as_shown(self) -> list[str]:
        """The values a browser would send for the field as the page rendered it."""
        if self.kind in ("checkbox", "select-multiple"):
            return self.chosen
        if self.kind in ("radio", "select"):  # as if the person picked the first choice where none was
            return self.chosen[:1] or self.options[:1]
        if self.kind == "button":
            return self.options[:1]
        return [self.value]


@dataclass
class Form:
    page: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None

    def _add(self, name: str, kind: str, value: str, chosen: bool = False) -> None:
        known = self._form.fields.get(name)
        if known is None:
            known = self._form.fields[name] = Field(name, kind, value)
        if kind in ("radio", "checkbox", "button") and value not in known.options:
            known.options.append(value)
        if chosen:
            known.chosen.append(value)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                self._form = Form(self.page, urljoin(self.page, attrs.get("action") or self.page))
                self.forms.append(self._form)
            return
        if tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select.chosen.append(attrs.get("value", ""))
        if self._form is None or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind not in ("submit", "reset", "image", "file"):
                self._add(name, kind, attrs.get("value", "on" if kind == "checkbox" else ""), "checked" in attrs)
        elif tag == "button":
            self._add(name, "button", attrs.get("value", ""))
        elif tag == "textarea":
            self._add(name, "textarea", "")
        elif tag == "select":
            self._select = Field(name, "select-multiple" if "multiple" in attrs else "select")
            self._form.fields[name] = self._select

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms_on(page: str, html: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    return parser.forms


SKIP_LINKS = ("/logout", "/static/", "/api/", "/sw.js", "/manifest")


def crawl(client, starts: list[str], *, limit: int = 120):
    """Yield every POST form on the pages reachable from `starts` by same-site links (GET only, `limit`
    pages at most), breadth first."""
    seen, queue = set(starts), deque(starts)
    while queue and limit:
        page = queue.popleft()
        limit -= 1
        response = client.get(page)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        yield from forms_on(page, html)
        for href in _links(html):
            url = urljoin(page, href)
            parts = urlsplit(url)
            if parts.netloc or parts.scheme or any(parts.path.startswith(s) for s in SKIP_LINKS):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith(("#", "mailto:", "tel:")):
            self.links.append(href)


def _links(html: str) -> list[str]:
    parser = _LinkParser()
    parser.feed(html)
    return parser.links


# --- Hostile values ---------------------------------------------------------------------------------------

HOSTILE_TEXT = st.sampled_from([
    "", " ", "x\ud800", "\ud800", "\udfff\ud800", "\x00", "a\x00b", "\x1b[2J", "\r\n\r\n", "\u202e", "😀" * 50,
    "x" * 100_000, "<script>alert(1)</script>", "' OR 1=1 --", "%00", "../../etc/passwd", "NaN", "1e400",
    "Pacific/Kiritimati", "Etc/GMT+12", "localtime", "Factory",  # zones at the edges of the day, and odd ones
])
NUMBERS = st.sampled_from(["-1", "0", "1", "3", "5", "6", "24", "25", "-0", "1.5", "1e400", "-1e400", "NaN",
                           "inf", "9" * 30, "0x10", "٣", " 3 ", "three"])
DATES = st.sampled_from(["0001-01-01", "9999-12-31", "9999-12-30", "1969-12-31", "1970-01-01", "2026-02-29",
                         "2026-13-45", "2026-1-1", "yesterday", "+12026-01-01", "0000-00-00"])
TIMES = st.sampled_from(["00:00", "23:59", "24:00", "25:99", "12", "12:00:00", "12:00:60", "-1:00", "noon"])


def text_values(original: str):
    return st.one_of(st.just(original), HOSTILE_TEXT, st.text(st.characters(codec=None), max_size=300))


def field_values(f: Field):
    """A strategy for one field's value: None (left out), a string, or a list of strings (repeated name)."""
    if f.kind in ("number", "range"):
        values = st.one_of(st.just(f.value), NUMBERS, text_values(""))
    elif f.kind in ("date", "datetime-local", "month", "week"):
        values = st.one_of(st.just(f.value), DATES, text_values(""))
    elif f.kind == "time":
        values = st.one_of(st.just(f.value), TIMES, text_values(""))
    elif f.kind in ("select", "radio", "button"):
        values = st.one_of(st.sampled_from(f.options or [""]), text_values(""))
    elif f.kind == "checkbox":
        return st.one_of(st.none(), st.lists(st.sampled_from(f.options), max_size=len(f.options), unique=True),
                         st.lists(text_values("on"), max_size=3))
    elif f.kind == "select-multiple":
        options = st.sampled_from(f.options or [""])
        return st.one_of(st.none(), st.lists(options, max_size=12), st.lists(text_values(""), max_size=3),
                         options.map(lambda o: [o] * 10_000))  # 10,000 of one choice
    else:  # text, textarea, email, password, search, hidden, tel, url...
        values = text_values(f.value)
    return st.one_of(st.none(), values, st.lists(values, min_size=2, max_size=3))


@st.composite
def filled(draw, form: Form):
    """A urlencoded body for `form`: the form as the page showed it with a few fields (or all of them) left
    out, filled with a hostile value, or repeated, so both deep and shallow paths are reached. The CSRF
    token (`csrf_token`, or a prefixed `pw-csrf_token`) keeps the value the page gave it."""
    names = [name for name in form.fields if not name.endswith("csrf_token")]
    if not names:
        return urlencode([(f.name, f.value) for f in form.fields.values()])
    changed = draw(st.one_of(st.sets(st.sampled_from(names), min_size=1, max_size=3), st.just(set(names))),
                   label="changed fields")
    pairs: list[tuple[str, str]] = []
    for f in form.fields.values():
        value = draw(field_values(f), label=f.name) if f.name in changed else f.as_shown()
        for item in ([] if value is None else [value] if isinstance(value, str) else value):
            pairs.append((f.name, item))
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass")
