"""Every input gets a 4xx, never a 5xx, on SQLite and PostgreSQL (issue 12).

A 5xx is worse than a wrong answer here: the PWA retries any 5xx, so one queued check-in the
server cannot digest would hold back every later day. Every route that takes a body or a query
string is driven as the caller it is for (practitioner, patient, both, or nobody for sign-in):

1. a systematic sweep: each field of a valid body missing, then each of its edge values
   (extreme dates, huge numbers, control characters, invalid UTF-8, wrong types, deep
   nesting) with everything else valid; each query parameter alone with each edge value; the
   check-in's day in its path. A control character must be a 422 naming its field;
2. a property-based fuzz (hypothesis, derandomized so CI is deterministic): bodies broken in
   one to three places or not JSON at all, hostile query strings, malformed ids and days,
   odd content types (strategies in `tests/api/hostile_values.py`).

Either fails on any 5xx, and on a 4xx without the usual `{"detail": …}` body. The issue's
defects are pinned one by one in `tests/api/test_input_defects.py`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar

from api.app import create_app
from api.core.clock import FrozenClock
from api.core.db import Database
from tests.api.hostile_stage import (
    BODIES,
    CHECKIN_DAY,
    GOOD_QUERY,
    REFUSED,
    STARTING_BODIES,
    Stage,
    build_stage,
    send,
    url,
)
from tests.api.hostile_values import (
    CONTENT_TYPES,
    DATE_TEXTS,
    QUERY_CONTROLS,
    QUERY_TEXTS,
    STRING_CONTROLS,
    bodies,
    dump,
    path_days,
    query_strings,
    sweep,
)
from tests.api.test_access import PUBLIC, ROUTES, Ids, Route, normalised
from tests.conftest import START, World, fresh_database, settings_for

EXAMPLES = 25
JSON = "application/json"


@dataclass(frozen=True)
class Target:
    """One route as one kind of caller."""

    route: Route
    caller: str  # "practitioner", "patient" or "anonymous"

    @property
    def id(self) -> str:
        return f"{self.route.id} as {self.caller}"

    @property
    def queries(self) -> list[str]:
        return QUERIES.get((self.route.method, normalised(self.route.path)), [])


def _callers(route: Route) -> list[str]:
    both = ["practitioner", "patient"]
    return {"practitioner": ["practitioner"], "patient": ["patient"]}.get(route.audience, both)


ALL = [Target(r, c) for r in ROUTES for c in _callers(r)] + [
    Target(Route(method, path, "signed_in"), "anonymous") for method, path in sorted(PUBLIC)
]
# Each route's query parameters; `test_every_query_parameter_is_fuzzed` checks this table
# against the app's OpenAPI schema.
QUERIES: dict[tuple[str, str], list[str]] = {
    ("GET", "/api/alerts"): ["status"],
    ("GET", "/api/patients"): ["filter", "q", "limit", "cursor"],
    ("GET", "/api/me/checkins"): ["from", "to"],
    ("GET", "/api/patients/{}/checkins"): ["from", "to"],
    ("GET", "/api/me/notifications"): ["limit"],
    ("DELETE", "/api/me/push-subscription"): ["endpoint"],
    ("GET", "/api/photos/{}/image"): ["size"],
}
# Whatever takes a body (`test_every_route_that_reads_a_body_is_fuzzed`), a query or a day.
FUZZED = [t for t in ALL if t.route.id in STARTING_BODIES or t.queries or "{day}" in t.route.path]
BAD_IDS = [Ids.raw(v) for v in ("not-a-uuid", "%00", "%FF", "0" * 5000, str(uuid.uuid4()))]


@contextmanager
def staged(runner: asyncio.Runner, template_url: str, directory: Path) -> Iterator[Stage]:
    """A fresh database, app and stage that live across `runner.run` calls (one per request)."""
    stack = AsyncExitStack()
    try:
        database_url = runner.run(
            stack.enter_async_context(fresh_database(template_url, directory))
        )
        db = Database.from_url(database_url)
        stack.push_async_callback(db.dispose)
        clock = FrozenClock(START)
        app = create_app(settings_for(database_url, directory / "data"), clock=clock, db=db)
        world = World(app, db, clock)
        stack.push_async_callback(world.close)
        yield runner.run(build_stage(world))
    finally:
        runner.run(stack.aclose())


@dataclass(frozen=True)
class Case:
    where: str  # the field or parameter an edge value is in
    day: str
    query: str
    body: bytes | None
    control: bool  # holds a control character: must be a 422 naming `where`


def sweep_cases(target: Target, stage: Stage) -> list[Case]:
    route, day = target.route, CHECKIN_DAY.isoformat()
    valid = STARTING_BODIES[route.id](stage) if route.id in STARTING_BODIES else None
    cases = []
    if valid is not None:
        for where, body in sweep(valid):
            control = any(c in STRING_CONTROLS for c in _strings(body))
            cases.append(Case(where, day, "", dump(body), control))
    body = dump(valid) if valid is not None else None
    for name in target.queries:
        for value in QUERY_TEXTS:
            cases.append(Case(name, day, f"?{name}={value}", body, value in QUERY_CONTROLS))
    if "{day}" in route.path:
        for hostile in [*DATE_TEXTS, *QUERY_TEXTS, "2026-03-09%00", "%2E%2E"]:
            cases.append(Case("local_date", hostile, "", body, hostile in QUERY_CONTROLS))
    return cases


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _problem(response: Any) -> str | None:
    if response.status_code >= 500:
        return "a server error"
    if response.status_code >= 400 and "detail" not in response.json():
        return "an error without a detail"
    return None


@pytest.mark.parametrize("target", [pytest.param(t, id=t.id) for t in FUZZED])
def test_hostile_input_never_gets_a_5xx(template_url: str, tmp_path: Path, target: Target) -> None:
    route = target.route
    with asyncio.Runner() as runner, staged(runner, template_url, tmp_path) as stage:
        client = stage.client(target.caller)

        # 1. The sweep.
        problems = []
        cases = sweep_cases(target, stage)
        for case in cases:
            target_url = url(route, stage.ids, case.day, case.query)
            response = runner.run(send(client, route.method, target_url, case.body, JSON))
            problem = _problem(response)
            if problem is None and case.control:
                field = response.json().get("field") if response.status_code == 422 else None
                problem = None if field == case.where else f"not a 422 naming {case.where}"
            if problem is not None:
                shown = f"{target_url[:100]} {(case.body or b'')[:200]!r}"
                problems.append(f"{problem}: {shown} → {response.status_code} {response.text}")
        assert len(cases) >= 10
        assert problems == []

        # 2. The fuzz.
        valid = STARTING_BODIES[route.id](stage) if route.id in STARTING_BODIES else None
        requests = st.tuples(
            path_days if "{day}" in route.path else st.just(CHECKIN_DAY.isoformat()),
            st.sampled_from([stage.ids] * 3 + BAD_IDS) if route.takes_id else st.just(stage.ids),
            query_strings(target.queries, GOOD_QUERY) if target.queries else st.just(""),
            bodies(valid) if route.method != "GET" else st.none(),
            st.sampled_from(CONTENT_TYPES),
        )
        sent: list[int] = []

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(requests)
        def probe(request: tuple[str, Ids, str, bytes | None, str]) -> None:
            day, ids, query, body, content_type = request
            target_url = url(route, ids, day, query)
            response = runner.run(send(client, route.method, target_url, body, content_type))
            sent.append(response.status_code)
            shown = f"{route.method} {target_url[:300]} {(body or b'')[:300]!r}"
            assert _problem(response) is None, f"{shown} → {response.status_code}"

        probe()
        assert len(sent) >= EXAMPLES // 2  # hypothesis really sent them


def test_every_route_that_reads_a_body_is_fuzzed(template_url: str, tmp_path: Path) -> None:
    """A route answering malformed JSON with `field: body` reads a body, so it needs a
    BODIES entry; and each entry, unbroken, is accepted (the fuzz starts from bodies that
    reach the services). Photo uploads are multipart forms, not JSON: their hostile input
    is in tests/api/test_photos.py, and schemathesis fuzzes their form (tests/test_contract.py).
    """
    readers, refused = set(), {}
    with asyncio.Runner() as runner, staged(runner, template_url, tmp_path) as stage:
        for target in ALL:
            route = target.route
            if route.method == "GET" or route.id == "POST /api/auth/logout" or route.multipart:
                continue
            client = stage.client(target.caller)
            response = runner.run(send(client, route.method, url(route, stage.ids), b"{", JSON))
            if response.status_code == 422 and response.json().get("field") == "body":
                readers.add(route.id)
        for route_id, make in BODIES.items():
            target = next(t for t in ALL if t.route.id == route_id)
            client, route = stage.client(target.caller), target.route
            body = dump(make(stage))
            response = runner.run(send(client, route.method, url(route, stage.ids), body, JSON))
            if response.status_code >= 300:
                refused[route_id] = response.text
        for route_id, make in REFUSED.items():
            target = next(t for t in ALL if t.route.id == route_id)
            client, route = stage.client(target.caller), target.route
            body = dump(make(stage))
            response = runner.run(send(client, route.method, url(route, stage.ids), body, JSON))
            if response.status_code not in {409, 422}:
                refused[route_id] = f"not refused by its service: {response.text}"
    assert readers - set(STARTING_BODIES) == set(), "add a body for the new route to BODIES"
    assert set(STARTING_BODIES) - readers == set(), "BODIES lists a route that reads no body"
    assert refused == {}


def test_every_query_parameter_is_fuzzed(app: Litestar) -> None:
    found: dict[tuple[str, str], list[str]] = {}
    for path, item in (app.openapi_schema.paths or {}).items():
        for method in ("get", "put", "post", "patch", "delete"):
            operation = getattr(item, method, None)
            parameters = (operation.parameters or []) if operation else []
            names = [p.name for p in parameters if getattr(p, "param_in", None) == "query"]
            if names:
                found[(method.upper(), normalised(path))] = names
    assert found == QUERIES


async def test_a_20_mb_body_is_refused_with_413(world: World) -> None:
    """Before it is read: at sign-in (no account needed) and on the check-in."""
    stage = await build_stage(world)
    huge = b'{"note": "' + b"x" * (20 * 1024 * 1024) + b'"}'
    for client, method, target in (
        (stage.anonymous, "POST", "/api/auth/login"),
        (stage.patient, "PUT", f"/api/me/checkins/{CHECKIN_DAY}"),
    ):
        response = await send(client, method, target, huge, "application/json")
        assert response.status_code == 413, (target, response.text[:200])
        assert "detail" in response.json()
