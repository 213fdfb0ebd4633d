"""The error answers in `/schema`: every operation lists the ones it can give, with their body.

Litestar documents what a handler returns and a generic 400 for its parameters; Afterline's
errors are its own (`api.core.errors`): 422 naming the field, 404 for anything out of reach,
401 and 403 from the sign-in and the role guards, 409 for a change that conflicts, 429 and
503 with `Retry-After` from the sign-in limits and the overload guard. Written here once, from
the shape of each operation, so a new route is described without anyone remembering to.
"""

from __future__ import annotations

from typing import Any

from litestar.openapi.spec import (
    Components,
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    RequestBody,
    Schema,
)

ERROR_SCHEMA = "Error"

# Routes anyone may call: no 401 or 403 from them.
PUBLIC = {
    "/api/health",
    "/api/vocabulary",
    "/api/auth/login",
    "/api/auth/accept-invite",
    "/api/push/vapid-public-key",
}
# Routes behind the sign-in limits (429 with Retry-After).
RATE_LIMITED = {"/api/auth/login", "/api/auth/accept-invite"}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Answers particular to one route: a wrong password; an invitation unknown, used or expired.
PARTICULAR = {"/api/auth/login": ["401"], "/api/auth/accept-invite": ["404", "409", "410"]}
UPLOAD_MEDIA_TYPE = "multipart/form-data"

_WHY = {
    "401": "Not signed in, or the login session has ended",
    "403": "Signed in with the other role",
    "404": "No such item within the caller's clinic (another clinic's or patient's is the same)",
    "409": "The change conflicts with the item's state",
    "410": "The invitation was used or has expired",
    "413": "The upload is larger than allowed (a photo: 15 MB)",
    "422": "A field breaks a rule: `field` names it (`body` for the body as a whole)",
    "429": "Too many failed sign-ins: `Retry-After` says when to try again",
    "503": "The server is at its limit of requests in progress: `Retry-After` says when",
}


def _error_schema() -> Schema:
    return Schema(
        type=OpenAPIType.OBJECT,
        required=["detail"],
        properties={
            "detail": Schema(type=OpenAPIType.STRING, description="What went wrong, in words"),
            "field": Schema(
                one_of=[Schema(type=OpenAPIType.STRING), Schema(type=OpenAPIType.NULL)],
                description="The field at fault (422), else null or absent",
            ),
        },
    )


def _errors_of(path: str, method: str, operation: Operation) -> list[str]:
    codes = ["503"]
    if path not in PUBLIC:
        codes += ["401", "403"]
    if "{" in path:
        codes.append("404")
    if method in WRITES and path not in PUBLIC:
        codes.append("409")
    if operation.request_body is not None or operation.parameters:
        codes.append("422")
    if path in RATE_LIMITED:
        codes.append("429")
    body = operation.request_body
    if isinstance(body, RequestBody) and UPLOAD_MEDIA_TYPE in (body.content or {}):
        codes.append("413")
    return sorted({*codes, *PARTICULAR.get(path, [])})


def _optional_body(operation: Operation) -> None:
    """A body that may be null may be left out (`data: JSONBody[X | None] = None`): Litestar
    marks it required all the same."""
    body = operation.request_body
    if body is None or isinstance(body, Reference) or not body.content:
        return
    schema = body.content["application/json"].schema if "application/json" in body.content else None
    choices = schema.one_of if isinstance(schema, Schema) else None
    if choices and any(isinstance(c, Schema) and c.type == OpenAPIType.NULL for c in choices):
        body.required = False


def document_errors(openapi: OpenAPI) -> OpenAPI:
    """Replace Litestar's generic 400 with the errors each operation really answers."""
    components = openapi.components if isinstance(openapi.components, Components) else None
    if components is None:
        components = openapi.components = Components()
    components.schemas = {**(components.schemas or {}), ERROR_SCHEMA: _error_schema()}
    reference = Reference(ref=f"#/components/schemas/{ERROR_SCHEMA}")
    for path, item in (openapi.paths or {}).items():
        for method in ("get", "put", "post", "delete", "patch"):
            operation: Any = getattr(item, method, None)
            if not isinstance(operation, Operation):
                continue
            _optional_body(operation)
            responses = dict(operation.responses or {})
            responses.pop("400", None)
            if isinstance(no_content := responses.get("204"), OpenAPIResponse):
                no_content.content = None  # Litestar describes a JSON body it never sends
            for code in _errors_of(path, method.upper(), operation):
                responses.setdefault(
                    code,
                    OpenAPIResponse(
                        description=_WHY[code],
                        content={"application/json": OpenAPIMediaType(schema=reference)},
                    ),
                )
            operation.responses = responses
    return openapi
