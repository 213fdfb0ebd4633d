"""`/schema/openapi.json` describes the API whole: every body, every error, strictly."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World

WRITES = ("post", "put", "patch")
# Writes that take no body: the action is in the path.
NO_BODY = {
    ("post", "/api/auth/logout"),
    ("post", "/api/patients/{patient_id}/invite"),
    ("post", "/api/me/notifications/{notification_id}/read"),
    ("post", "/api/auth/sessions/end-others"),
    ("post", "/api/auth/second-factor/setup"),
    ("post", "/api/auth/passkeys/registration-options"),
    ("post", "/api/auth/passkeys/sign-in-options"),
}


@pytest.fixture
async def document(world: World) -> dict[str, Any]:
    answer = await (await world.practitioner()).get("/schema/openapi.json")
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("get", *WRITES, "delete")
    ]


async def test_every_write_declares_its_body_and_refuses_unknown_fields(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]
    bodies = 0
    uploads: list[str] = []
    for method, path, operation in _operations(document):
        if method not in WRITES or (method, path) in NO_BODY:
            continue
        content = operation.get("requestBody", {}).get("content", {})
        if "multipart/form-data" in content:
            # A photo upload: the picture and its fields, and a 413 for one over 15 MB.
            form = content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
            assert schemas[form]["properties"]["file"]["format"] == "binary", path
            assert set(schemas[form]["required"]) == {"file", "area"}, path
            assert "413" in operation["responses"], path
            uploads.append(path)
            continue
        schema = content.get("application/json", {}).get("schema")
        assert schema is not None, f"{method} {path} documents no body"
        refs = [schema.get("$ref")] + [s.get("$ref") for s in schema.get("oneOf", [])]
        name = next(ref for ref in refs if ref).rsplit("/", 1)[-1]
        assert schemas[name]["additionalProperties"] is False, name
        bodies += 1
    assert bodies == 22  # …, password, second-factor codes, passkeys, closing an account
    assert sorted(uploads) == ["/api/me/photos", "/api/patients/{patient_id}/photos"]


async def test_every_operation_documents_its_errors_with_the_error_body(
    document: dict[str, Any],
) -> None:
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        assert "400" not in responses, f"{method} {path}: Litestar's 400 is never answered"
        assert "503" in responses, f"{method} {path}"
        if "{" in path:
            assert "404" in responses, f"{method} {path}"
        if operation.get("requestBody") or operation.get("parameters"):
            error = responses["422"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}, f"{method} {path}"
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]


async def test_a_missing_body_is_a_422_naming_the_body(world: World) -> None:
    _, patient = await world.patient(await world.practitioner())
    answer = await patient.put("/api/me/checkins/2026-03-09")
    assert answer.status_code == 422, answer.text
    assert answer.json() == {"detail": "body: a JSON body is required", "field": "body"}
