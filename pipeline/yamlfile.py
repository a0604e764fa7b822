"""Reading the project's YAML files: dates stay text, every failure is a ConfigError.

PyYAML turns an unquoted 2567-13-25 into a date itself and raises a bare
ValueError for an impossible one; the settings and calendars are in BE and
parsed by `pipeline.calendar`, so dates are left as text here and an
impossible one becomes a settings error naming the file and key.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pipeline.errors import ConfigError

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


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
