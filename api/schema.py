"""The OpenAPI document: the two ways in, the one error shape on every operation, and
the links between operations (a created account → read it, change it, lock it …)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter

ETAG = OpenApiParameter("ETag", str, OpenApiParameter.HEADER, response=True,
                        description="The resource's current version, for If-Match.")
IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=True,
    description="The ETag of the resource as you read it. Missing: 428; no longer current: 412.",
)

IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=False,
    description="Optional here: when sent and no longer current, 412.",
)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "eul_…",
                "description": "An API key, made in the administration site or with `manage.py api_key create`."}


class BrowserSessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BrowserSessionAuthentication"
    name = "browserSession"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "eulogin_session",
                "description": "The browser's eulogin session. Writes also need the X-CSRFToken header."}


ERROR_REF = {"$ref": "#/components/schemas/Error"}

_ERRORS = {
    "400": "Invalid input.",
    "401": "Not authenticated: no API key or session, or the key is unknown, expired or revoked.",
    "403": "Authenticated, but not allowed (a scope missing, CSRF, a fresh proof needed, a staff account).",
    "404": "No such resource (or not yours).",
    "405": "Method not allowed.",
    "406": "Not acceptable (Accept asks for a format other than JSON).",
    "415": "Unsupported media type (send JSON).",
    "429": "Too many requests: see Retry-After.",
}
_WRITE_ERRORS = {"409": "Conflict with the current state (e.g. the address is taken)."}
_UPDATE_ERRORS = {"412": "If-Match does not match the current ETag.", "428": "If-Match is missing."}

# The stateful links: after a successful operation, which operations may follow with
# which values (OpenAPI 3 "links", which Schemathesis follows).
_USER, _SERVICE = "/api/v1/users/{id}/", "/api/v1/services/{id}/"
_FACTOR = "/api/v1/me/factors/{kind}/{factor_id}/"
_ID = {"id": "$response.body#/id"}
_ID_ETAG = {"id": "$response.body#/id", "header.If-Match": "$response.header.ETag"}
_LINKS = {
    ("/api/v1/users/", "post"): {
        "GetUser": (_USER, "get", _ID),
        "ChangeUser": (_USER, "patch", _ID_ETAG),
        "ReplaceUser": (_USER, "put", _ID_ETAG),
        "LockUser": (_USER + "lock/", "post", _ID),
        "UnlockUser": (_USER + "unlock/", "post", _ID),
        "ResetPassword": (_USER + "password-reset/", "post", _ID),
        "EndSessions": (_USER + "sessions/end/", "post", _ID),
        "DeleteUser": (_USER, "delete", _ID),
        "UserAudit": ("/api/v1/audit/", "get", {"user": "$response.body#/id"}),
    },
    (_USER, "get"): {"ChangeUser": (_USER, "patch", _ID_ETAG)},
    (_USER, "patch"): {"ChangeUserAgain": (_USER, "patch", _ID_ETAG)},
    ("/api/v1/services/", "post"): {
        "GetService": (_SERVICE, "get", _ID),
        "ChangeService": (_SERVICE, "patch", _ID_ETAG),
        "ReplaceService": (_SERVICE, "put", _ID_ETAG),
        "DeleteService": (_SERVICE, "delete", _ID),
    },
    (_SERVICE, "get"): {"ChangeService": (_SERVICE, "patch", _ID_ETAG)},
    ("/api/v1/me/", "get"): {"ChangeMe": ("/api/v1/me/", "patch", {"header.If-Match": "$response.header.ETag"})},
    ("/api/v1/me/sessions/", "get"): {
        "EndSession": ("/api/v1/me/sessions/{session_id}/", "delete", {"session_id": "$response.body#/0/id"}),
    },
    ("/api/v1/me/factors/", "get"): {
        "RenameFactor": (_FACTOR, "patch", {"kind": "$response.body#/0/kind", "factor_id": "$response.body#/0/id"}),
        "RemoveFactor": (_FACTOR, "delete", {"kind": "$response.body#/0/kind", "factor_id": "$response.body#/0/id"}),
    },
    ("/api/v1/me/phones/confirm/", "post"): {
        "RenameNewFactor": (_FACTOR, "patch", {"kind": "$response.body#/kind", "factor_id": "$response.body#/id"}),
        "RemoveNewFactor": (_FACTOR, "delete", {"kind": "$response.body#/kind", "factor_id": "$response.body#/id"}),
    },
    ("/api/v1/me/phones/", "post"): {
        "ConfirmPhone": ("/api/v1/me/phones/confirm/", "post", {}),
        "ResendCode": ("/api/v1/me/phones/resend/", "post", {}),
    },
    ("/api/v1/me/recovery-codes/", "post"): {
        "CountRecoveryCodes": ("/api/v1/me/recovery-codes/", "get", {}),
        "RegenerateRecoveryCodes": ("/api/v1/me/recovery-codes/", "post", {}),
    },
    ("/api/v1/me/verification/sms/", "post"): {
        "EnterCode": ("/api/v1/me/verification/sms/confirm/", "post", {}),
    },
}


ERROR_SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "The shape of every error of the API.",
        "properties": {
            "status": {"type": "integer", "description": "The HTTP status."},
            "code": {"type": "string", "description": "Stable, for programs: not_found, invalid, scope_missing, …"},
            "message": {"type": "string", "description": "For people, in the language of Accept-Language."},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"},
                       "description": "What was wrong with each field; empty when the error is not about input."},
        },
        "required": ["status", "code", "message", "errors"],
    },
    "FieldError": {
        "type": "object",
        "properties": {
            "field": {"type": "string", "nullable": True,
                      "description": "The field, dotted for nested ones (policy.0.requirement); null for the "
                                     "request as a whole."},
            "code": {"type": "string"},
            "message": {"type": "string"},
        },
        "required": ["field", "code", "message"],
    },
}


def postprocess(result, generator, request, public):
    """Every operation documents the error shape for each error it can answer; links."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    paths = result.get("paths", {})
    for operations in paths.values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            errors = dict(_ERRORS)
            if method in ("post", "put", "patch", "delete"):
                errors.update(_WRITE_ERRORS)
            if_match = [p for p in operation.get("parameters", []) if p.get("name") == "If-Match"]
            if if_match:
                errors["412"] = _UPDATE_ERRORS["412"]
                if if_match[0].get("required"):
                    errors["428"] = _UPDATE_ERRORS["428"]
            for code, description in errors.items():
                responses.setdefault(code, {"description": description,
                                            "content": {"application/json": {"schema": ERROR_REF}}})
    for (path, method), links in _LINKS.items():
        operation = paths.get(path, {}).get(method)
        if operation is None:
            continue
        success = next(code for code in sorted(operation["responses"]) if code.startswith("2"))
        operation["responses"][success]["links"] = {
            name: {"operationId": paths[target][target_method]["operationId"], "parameters": params}
            for name, (target, target_method, params) in links.items()
            if target_method in paths.get(target, {})
        }
    return result
