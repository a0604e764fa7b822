"""Reading the project's YAML files: dates stay text, every failure is a ConfigError.

PyYAML turns an unquoted 2567-13-25 into a date itself and raises a bare
ValueError for an impossible one; the settings and calendars are in BE and
parsed by `pipeline.calendar`, so dates are left as text here and an
impossible one becomes a settings error naming the file and key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import ConfigError

try:  # libyaml's parser where PyYAML was built with it: the same safe loader, ten times faster
    from yaml import CSafeLoader as _Safe
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _Safe  # type: ignore[assignment]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(_Safe):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def safe_load(text: str) -> Any:
    """yaml.safe_load (dates as dates), faster; raises yaml.YAMLError like it."""
    return yaml.load(text, Loader=_Safe)


def loads(text: str, *, where: str) -> object:
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", where=where, fix="correct the YAML syntax") from exc


def read(path: Path, *, missing_fix: str, what: str = "file") -> object:
    """The YAML document in `path`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{what} not found", where=str(path), fix=missing_fix) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"cannot read the {what}: {exc}", where=str(path), fix="save it as UTF-8 text"
        ) from exc
    return loads(text, where=str(path))
