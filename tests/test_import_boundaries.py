"""Each Google client library is imported by one module of the package alone (checked on the source)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"

# library -> the one module allowed to import it
OWNERS = [
    ("gspread", "backends/google_client.py"),
    ("google.auth", "backends/google_client.py"),
    ("google.oauth2", "backends/google_client.py"),
    ("googleapiclient", "backends/gapi.py"),
    ("google_auth_httplib2", "backends/gapi.py"),
    ("httplib2", "backends/gapi.py"),
]


def imported_modules(path: Path) -> set[str]:
    """Every module an `import` or `from ... import` names in the file, at any depth."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def importers(library: str) -> set[str]:
    return {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if any(name == library or name.startswith(library + ".") for name in imported_modules(path))
    }


@pytest.mark.parametrize(("library", "owner"), OWNERS)
def test_one_module_alone_imports_each_google_library(library: str, owner: str) -> None:
    assert importers(library) == {owner}


def test_the_scan_sees_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from gspread.http_client import HTTPClient\n    import google.auth\n")
    assert {"gspread.http_client", "google.auth"} <= imported_modules(source)
