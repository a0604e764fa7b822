"""Request bodies checked against the discovery documents bundled with google-api-python-client.

Google answers 400 "Invalid JSON payload received. Unknown name …" for a field
its schema does not have, and refuses a value of the wrong type or outside an
enum; so does this check, offline.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import googleapiclient

from .sheets import ApiError

DOCUMENTS = Path(googleapiclient.__file__).resolve().parent / "discovery_cache" / "documents"


@cache
def document(api: str, version: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DOCUMENTS / f"{api}.{version}.json").read_text(encoding="utf-8"))
    return data


def validate(api: str, version: str, schema: str, body: Any) -> None:
    """ApiError(400) naming the first field of `body` that schema `schema` does not allow."""
    _check(document(api, version)["schemas"], {"$ref": schema}, body, "")


def _check(schemas: dict[str, Any], spec: dict[str, Any], value: Any, path: str) -> None:
    if "$ref" in spec:
        spec = schemas[spec["$ref"]]
    kind = spec.get("type")
    where = path or "(root)"
    if kind == "object":
        if not isinstance(value, dict):
            raise ApiError(400, f"Invalid JSON payload received. Expected an object at '{where}'.")
        props = spec.get("properties", {})
        extra = spec.get("additionalProperties")
        for key, item in value.items():
            sub = f"{path}.{key}" if path else key
            if key in props:
                _check(schemas, props[key], item, sub)
            elif extra is not None:
                _check(schemas, extra, item, sub)
            else:
                raise ApiError(
                    400,
                    f"Invalid JSON payload received. Unknown name \"{key}\" at '{where}': Cannot find field.",
                )
    elif kind == "array":
        if not isinstance(value, list):
            raise ApiError(400, f"Invalid JSON payload received. Expected a list at '{where}'.")
        for n, item in enumerate(value):
            _check(schemas, spec.get("items", {}), item, f"{path}[{n}]")
    elif kind == "string":
        if not isinstance(value, str):
            raise ApiError(400, f"Invalid value at '{where}': expected a string, got {value!r}")
        if "enum" in spec and value not in spec["enum"]:
            raise ApiError(
                400, f"Invalid value at '{where}' ({value!r}): not one of {', '.join(spec['enum'])}"
            )
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise ApiError(400, f"Invalid value at '{where}': expected true or false, got {value!r}")
    elif kind == "integer":
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and value.lstrip("-").isdigit()
        )
        if not ok:
            raise ApiError(400, f"Invalid value at '{where}': expected an integer, got {value!r}")
    elif kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ApiError(400, f"Invalid value at '{where}': expected a number, got {value!r}")
