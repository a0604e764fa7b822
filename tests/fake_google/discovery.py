"""Google's own description of its APIs, as the fake's rule book.

The discovery documents bundled with google-api-python-client (sheets v4,
drive v3, forms v1) say, per method, which OAuth scopes it accepts and what
its request body may hold. The fake refuses what Google would refuse: a
scope the method does not list (403), and a body with a field the schema does
not know, a value of the wrong JSON type or outside an enum (400, with
Google's "Invalid JSON payload received." wording).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import googleapiclient

from .sheets import ApiError

DOCUMENTS = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"

# request kind (server.classify) -> (api, version, method path in its document)
METHODS = {
    "sheets.get": ("sheets", "v4", "spreadsheets.get"),
    "sheets.batchUpdate": ("sheets", "v4", "spreadsheets.batchUpdate"),
    "sheets.batchGet": ("sheets", "v4", "spreadsheets.values.batchGet"),
    "sheets.values.get": ("sheets", "v4", "spreadsheets.values.get"),
    "sheets.values.update": ("sheets", "v4", "spreadsheets.values.update"),
    "sheets.values.batchUpdate": ("sheets", "v4", "spreadsheets.values.batchUpdate"),
    "sheets.values.clear": ("sheets", "v4", "spreadsheets.values.clear"),
    "sheets.values.append": ("sheets", "v4", "spreadsheets.values.append"),
    "forms.get": ("forms", "v1", "forms.get"),
    "forms.responses.list": ("forms", "v1", "forms.responses.list"),
    "forms.create": ("forms", "v1", "forms.create"),
    "forms.batchUpdate": ("forms", "v1", "forms.batchUpdate"),
    "forms.setPublishSettings": ("forms", "v1", "forms.setPublishSettings"),
    "drive.files.get": ("drive", "v3", "files.get"),
    "drive.permissions.create": ("drive", "v3", "permissions.create"),
}


@functools.cache
def document(api: str, version: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DOCUMENTS / f"{api}.{version}.json").read_text(encoding="utf-8"))
    return data


def method(kind: str) -> dict[str, Any]:
    api, version, path = METHODS[kind]
    node: dict[str, Any] = document(api, version)
    *resources, last = path.split(".")
    for resource in resources:
        node = node["resources"][resource]
    found: dict[str, Any] = node["methods"][last]
    return found


def scopes(kind: str) -> frozenset[str]:
    return frozenset(method(kind).get("scopes", []))


def validate_request(kind: str, body: Any) -> None:
    """Raise Google's 400 for a body that does not fit the method's request schema."""
    request = method(kind).get("request")
    if request is None:
        return
    api, version, _ = METHODS[kind]
    validate(api, version, request["$ref"], body)


def validate(api: str, version: str, schema: str, body: Any) -> None:
    """ApiError(400) naming the first field of `body` that schema `schema` does not allow."""
    _check(document(api, version)["schemas"], {"$ref": schema}, body, "")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _invalid(message: str) -> ApiError:
    return ApiError(400, f"Invalid JSON payload received. {message}")


def _check(schemas: Mapping[str, Any], spec: Mapping[str, Any], value: Any, at: str) -> None:
    if "$ref" in spec:
        spec = schemas[spec["$ref"]]
    kind = spec.get("type")
    where = at or "root"
    if value is None:
        return
    if kind == "object" or "properties" in spec:
        if not isinstance(value, dict):
            raise _invalid(f"Expected an object at '{where}'.")
        props = spec.get("properties")
        extra = spec.get("additionalProperties")
        for key, item in value.items():
            path = f"{at}.{_snake(key)}" if at else _snake(key)
            if props is not None and key in props:
                _check(schemas, props[key], item, path)
            elif extra is not None:
                _check(schemas, extra, item, f"{at}[{key!r}]")
            else:
                raise _invalid(f"Unknown name \"{key}\" at '{where}': Cannot find field.")
        return
    if kind == "array":
        if not isinstance(value, list):
            raise _invalid(f"Expected an array at '{where}'.")
        for i, item in enumerate(value):
            _check(schemas, spec.get("items", {}), item, f"{at}[{i}]")
        return
    if kind == "string":
        if (
            spec.get("format") in ("int64", "uint64")
            and isinstance(value, int)
            and not isinstance(value, bool)
        ):
            return
        if not isinstance(value, str):
            raise _invalid(
                f"Invalid value at '{where}' ({spec.get('format', 'TYPE_STRING')}), {json.dumps(value)}"
            )
        if "enum" in spec and value not in spec["enum"]:
            raise _invalid(f"Invalid value at '{where}', \"{value}\"")
        return
    if kind == "integer":
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, str) and value.lstrip("-").isdigit())
        ):
            raise _invalid(f"Invalid value at '{where}' (TYPE_INT32), {json.dumps(value)}")
        return
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _invalid(f"Invalid value at '{where}' (TYPE_DOUBLE), {json.dumps(value)}")
        return
    if kind == "boolean" and not isinstance(value, bool):
        raise _invalid(f"Invalid value at '{where}' (TYPE_BOOL), {json.dumps(value)}")
