"""Hostile request bodies, query strings and path values, for tests/api/test_hostile_input.py:
hypothesis strategies (the fuzz), and edge values per field (`sweep`, the systematic part).

What an attacker (or a broken client) can send: wrong types, control characters, lone
surrogates, invalid UTF-8, huge and negative numbers, NaN, extreme dates and offsets,
unknown codes, deep nesting, and bytes that are not JSON at all. Bodies start from a valid
one and break some of its fields, so most examples get past the JSON decoder into the
services and the database, where the 500s used to come from.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st


class Raw(bytes):
    """JSON text spliced into a body exactly as it is (what `json.dumps` cannot write)."""


def dump(value: Any) -> bytes:
    """`value` as JSON bytes; strings keep lone surrogates (as invalid UTF-8) and `Raw` its
    bytes, so the body can be malformed exactly where the strategy chose."""
    if isinstance(value, Raw):
        return bytes(value)
    if isinstance(value, dict):
        items = (dump(str(k)) + b":" + dump(v) for k, v in value.items())
        return b"{" + b",".join(items) + b"}"
    if isinstance(value, list):
        return b"[" + b",".join(dump(v) for v in value) + b"]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return json.dumps(value).encode()  # NaN and Infinity come out as (invalid) bare words


DEEP = 20_000
RAW_FRAGMENTS = [
    Raw(b'"ab\xff\xfecd"'),  # invalid UTF-8 inside a string
    Raw(b'"\xc0\x80"'),  # an overlong NUL
    Raw(b'"\xed\xa0\x80"'),  # a UTF-8-encoded surrogate
    Raw(b'"\xf4\x90\x80\x80"'),  # beyond U+10FFFF
    Raw(b'"a\x00b"'),  # a raw (unescaped) NUL inside a string
    Raw(b'"\\u0000"'),
    Raw(b'"\\ud800"'),
    Raw(b'"unterminated'),
    Raw(b"[" * DEEP + b"]" * DEEP),
    Raw(b'{"a":' * DEEP + b"1" + b"}" * DEEP),
    Raw(b"9" * 5000),
    Raw(b"1e999999"),
    Raw(b"-0"),
    Raw(b"0x10"),
    Raw(b"01"),
]
CODES = [
    "",
    " ",
    "chest",
    "CHEST",
    "chest ",
    "leg_left_calf\x00",
    "spreading_redness_or_fever",
    "polidocanol",
    "open",
    "acknowledged",
    "all",
    "Europe/London",
    "Mars/Olympus_Mons",
    "localtime",
    "Factory",
    "../../../etc/passwd",
    "24:00",
    "23:60",
    "-1:00",
    "08:30",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "x" * 100_000,
]
DATE_TEXTS = [
    "0001-01-01",
    "0000-00-00",
    "9999-11-08",
    "9999-12-31",
    "10000-01-01",
    "2026-02-29",
    "2026-02-30",
    "+002026-03-10",
    "2026-3-1",
    "2026-03-10T00:00:00",
    "1900-01-01",
    "2999-12-31",
]
DATETIME_TEXTS = [
    "9999-12-31T23:59:59.999999-23:59",
    "0001-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59+00:00",
    "0001-01-01T00:00:00Z",
    "2026-03-10T12:00:00",
    "2026-03-10T12:00:00+24:00",
    "2026-03-10T25:00:00Z",
    "2026-03-10 12:00:00Z",
]
OFFSETS = ["Z", "+23:59", "-23:59", "+00:00", "", "+14:00", "-12:00"]

controls = st.characters(categories=["Cc"])
texts = st.one_of(
    st.text(max_size=20),
    st.builds(
        "{}{}{}".format,
        st.text(max_size=8),
        st.text(alphabet=controls, min_size=1, max_size=3),
        st.text(max_size=8),
    ),
    st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=2),
    st.sampled_from(CODES),
)
numbers = st.one_of(
    st.integers(),
    st.sampled_from([2**31, 2**63, -(2**63) - 1, 2**64, 10**40, -(10**40), -1, 0]),
    st.floats(),
)
# Real dates at the ends of the calendar, where adding or subtracting days overflows.
EDGE_DATES = ["0001-01-01", "0001-01-02", "9999-11-08", "9999-12-31"]
dates = st.one_of(
    st.sampled_from(EDGE_DATES), st.sampled_from(DATE_TEXTS), st.dates().map(date.isoformat)
)
datetimes = st.one_of(
    st.sampled_from(DATETIME_TEXTS),
    st.builds(lambda d, o: d.isoformat() + o, st.datetimes(), st.sampled_from(OFFSETS)),
    st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat),
)
scalars = st.one_of(
    texts,
    numbers,
    dates,
    datetimes,
    st.sampled_from([None, True, False]),
    st.sampled_from(RAW_FRAGMENTS),
)
hostile = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")


def like(value: Any) -> st.SearchStrategy[Any]:
    """Hostile values, mostly of the kind `value` is (a date for a date), so that the body
    still decodes and the value reaches the service; sometimes anything at all."""
    if isinstance(value, str) and _DATE.match(value):
        own: st.SearchStrategy[Any] = dates
    elif isinstance(value, str) and _DATETIME.match(value):
        own = datetimes
    elif isinstance(value, str):
        own = texts
    elif isinstance(value, bool):
        own = st.sampled_from([None, 0, 1, "true", [], {}])
    elif isinstance(value, int | float):
        own = numbers
    elif isinstance(value, dict | list):
        return broken(value)
    else:
        own = hostile
    return st.one_of(own, own, own, hostile)


@st.composite
def broken(draw: st.DrawFn, value: dict[str, Any] | list[Any]) -> Any:
    """`value` (a valid body, or part of one) with one to three parts replaced or dropped,
    and sometimes a field it does not know."""
    if isinstance(value, list):
        items = list(value)
        if items and draw(st.booleans()):
            index = draw(st.integers(min_value=0, max_value=len(items) - 1))
            items[index] = draw(like(items[index]))
        return items + draw(st.lists(hostile, max_size=2))
    out = dict(value)
    keys = sorted(value)
    many = draw(st.integers(min_value=0, max_value=3)) == 0
    chosen = draw(
        st.lists(st.sampled_from(keys), min_size=1, max_size=3 if many else 1, unique=True)
    )
    for key in chosen:
        if draw(st.integers(min_value=0, max_value=3)):
            out[key] = draw(like(value[key]))
        else:
            del out[key]  # a required field missing, or an optional one left to its default
    if not draw(st.integers(min_value=0, max_value=4)):
        out[draw(st.text(max_size=8))] = draw(hostile)  # a field it does not know
    return out


@st.composite
def bodies(draw: st.DrawFn, valid: dict[str, Any] | None) -> bytes:
    """Raw body bytes: mostly a broken valid body, sometimes anything at all."""
    kind = draw(st.integers(min_value=0, max_value=9))
    if valid is not None and kind < 7:
        return dump(draw(broken(valid)))
    if kind < 9:
        return dump(draw(hostile))
    return draw(st.binary(max_size=64))


CONTENT_TYPES = [
    "application/json",
    "application/json",
    "application/json; charset=latin-1",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
]

# Query values as sent (already percent-encoded): NUL and other controls, invalid UTF-8,
# broken escapes, numbers no integer holds, the calendar's ends.
QUERY_TEXTS = [
    "%00",
    "a%00b",
    "%1B%5B2J",
    "%7F",
    "%C2%85",
    "%FF",
    "%C0%80",
    "%ED%A0%80",
    "%",
    "%%",
    "%zz",
    "",
    "x" * 10_000,
    "-1",
    "0",
    "99999999999999999999",
    "1e308",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
]
QUERY_CONTROLS = {"%00", "a%00b", "%1B%5B2J", "%7F", "%C2%85"}


def _query_value(value: Any) -> str:
    if isinstance(value, Raw):
        return bytes(value).decode("ascii")
    text = value if isinstance(value, str) else json.dumps(value)
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


query_values = st.one_of(
    texts,
    numbers,
    dates,
    st.sampled_from([Raw(q.encode()) for q in QUERY_TEXTS]),
    st.sampled_from([Raw(q.encode()) for q in QUERY_TEXTS]),
)


@st.composite
def query_strings(draw: st.DrawFn, names: list[str], valid: dict[str, str]) -> str:
    """`?a=…&b=…` for the route's declared parameters (some repeated) and an unknown one."""
    pairs: list[tuple[str, str]] = []
    for name in names:
        for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2]))):
            if name in valid and draw(st.booleans()):
                pairs.append((name, quote(valid[name], safe="")))
            else:
                pairs.append((name, _query_value(draw(query_values))))
    if not draw(st.integers(min_value=0, max_value=3)):
        pairs.append((_query_value(draw(texts)) or "x", _query_value(draw(query_values))))
    return "?" + "&".join(f"{k}={v}" for k, v in pairs) if pairs else ""


path_days = st.one_of(
    st.sampled_from([*DATE_TEXTS, "2026-03-09", "%00", "%FF", "2026-03-09%00", "today"]),
    st.dates().map(date.isoformat),
)


# --- the systematic sweep: every field of a valid body, one edge value at a time -------------

STRING_CONTROLS = ["a\x00b", "\x1b[2J", "\x7f", "\x85", "chest\x00"]
STRING_EDGES: list[Any] = [
    *STRING_CONTROLS,
    "\ud800",  # a lone surrogate: invalid UTF-8 once written out
    Raw(b'"ab\xff\xfecd"'),
    "",
    "x" * 100_000,
]
NUMBER_EDGES: list[Any] = [2**63, -(2**63) - 1, 10**40, -1, 1e308, -0.0, float("nan")]
TYPE_EDGES: list[Any] = [None, True, "1", [], {}, Raw(b"[" * DEEP + b"]" * DEEP)]


def edge_values(value: Any) -> list[Any]:
    """The edge values worth trying in place of `value`, by its kind, and wrong types."""
    if isinstance(value, str) and _DATE.match(value):
        kind = [*EDGE_DATES, "2026-02-30", "10000-01-01"]
    elif isinstance(value, str) and _DATETIME.match(value):
        kind = DATETIME_TEXTS
    elif isinstance(value, str):
        kind = STRING_EDGES
    elif isinstance(value, bool):
        kind = []
    elif isinstance(value, int | float):
        kind = NUMBER_EDGES
    else:
        kind = []
    return kind + TYPE_EDGES


def sweep(valid: dict[str, Any]) -> list[tuple[str, Any]]:
    """(where, body) for every field of `valid`, nested ones too: the field dropped, and
    each of its edge values with everything else valid."""
    out: list[tuple[str, Any]] = []
    for key, value in valid.items():
        others = {k: v for k, v in valid.items() if k != key}
        out.append((f"{key} (missing)", others))
        out += [(key, {**valid, key: edge}) for edge in edge_values(value)]
        if isinstance(value, dict):
            out += [(f"{key}.{where}", {**valid, key: inner}) for where, inner in sweep(value)]
        if isinstance(value, list):
            for index, item in enumerate(value):
                for edge in edge_values(item):
                    items = [*value[:index], edge, *value[index + 1 :]]
                    out.append((f"{key}[{index}]", {**valid, key: items}))
    out.append(("(unknown field)", {**valid, "unknown\x00": 1}))
    return out
