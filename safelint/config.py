"""Settings from ``safelint.toml``/``.safelint.toml`` or ``[tool.safelint]`` in pyproject.toml.

Discovered like ruff does: from the first input path upwards, the closest file wins.
Command-line options override the file.  Paths in a config file are relative to it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from safelint.findings import ATTRIBUTES

CONFIG_NAMES = (".safelint.toml", "safelint.toml", "pyproject.toml")


class ConfigError(Exception):
    pass


@dataclass
class Settings:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # extra rule files or directories
    builtin_rules: bool = True
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    extend_exclude: list[str] = field(default_factory=list)
    output_format: str = "text"
    max_rate: dict[str, float] = field(default_factory=dict)
    baseline: str | None = None
    fields: list[str] = field(default_factory=list)
    format: str | None = None
    tsv_column: int | None = None
    refusal: str | None = None  # `fix --unsafe-fixes`: the sentence refused answers become
    model: bool = True  # hybrid detection with the leakage classifier; false = rules only
    model_dir: str | None = None  # classifier directory (default: the shipped model)
    model_scope: str = "person"  # where the model may add findings of its own: hits | person | all
    model_confirm: dict[str, float] = field(default_factory=dict)  # attribute -> probability (confirm a rule hit)
    model_find: dict[str, float] = field(default_factory=dict)  # attribute -> probability (a model-only finding)
    # attribute -> probability (an ask of the model's own in a human turn; default: hybrid.ASK_FIND)
    model_ask_find: dict[str, float] = field(default_factory=dict)
    jobs: int = 1  # processes that run the detector (check, stats, fix); 0 = one per CPU
    source: str | None = None  # the config file these settings came from


_LIST_KEYS = {"select", "ignore", "rules", "include", "exclude", "extend_exclude", "fields"}
MODEL_SCOPES = ("hits", "answers", "person", "all")


# a model-find / model-confirm value meaning "the classifier's own label threshold for that attribute"
LABEL_THRESHOLD = -1.0


def probability_table(value: Any, where: str) -> dict[str, float]:
    """``{attribute: probability}`` from a config table or ``ATTR=P`` options; raises :class:`ConfigError`.

    ``all`` sets every attribute (a named attribute overrides it); the value ``"label"`` stands
    for the classifier's own label threshold of the attribute (:data:`LABEL_THRESHOLD`)."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of attribute = probability")
    out: dict[str, float] = {}
    for k, v in sorted(value.items(), key=lambda kv: str(kv[0]).strip() != "all"):  # "all" first
        attr = str(k).strip().replace("-", "_")
        if attr != "all" and attr not in ATTRIBUTES:
            raise ConfigError(f"{where}: unknown attribute {k!r} (choose from all, {', '.join(ATTRIBUTES)})")
        if isinstance(v, str) and v.strip().lower() == "label":
            p = LABEL_THRESHOLD
        elif isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= float(v) <= 1.01:
            raise ConfigError(f"{where}: {k} = {v!r} is not a probability between 0 and 1 "
                              "(1.01 turns it off) or \"label\" (the classifier's label threshold)")
        else:
            p = float(v)
        for a in (ATTRIBUTES if attr == "all" else (attr,)):
            out[a] = p
    return out


def find_config(start: Path) -> Path | None:
    here = start.resolve()
    if here.is_file() or not here.exists():
        here = here.parent
    for d in (here, *here.parents):
        for name in CONFIG_NAMES:
            p = d / name
            if not p.is_file():
                continue
            if name == "pyproject.toml":
                try:
                    data = tomllib.loads(p.read_text(encoding="utf-8"))
                except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                    continue
                if "safelint" not in data.get("tool", {}):
                    continue
            return p
    return None


def load_config(path: Path) -> Settings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    table: Any = data.get("tool", {}).get("safelint", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.safelint] must be a table")
    return settings_from_table(table, path)


def settings_from_table(table: dict[str, Any], path: Path) -> Settings:
    s = Settings(source=str(path))
    known = {f.name for f in fields(Settings)} - {"source"}
    base = path.parent
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key not in known:
            raise ConfigError(f"{path}: unknown setting '{raw_key}' (known: "
                              f"{', '.join(sorted(k.replace('_', '-') for k in known))})")
        if key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: '{raw_key}' must be a list of strings")
            if key == "rules":
                value = [str(base / v) for v in value]
        elif key == "max_rate":
            if not isinstance(value, dict) or not all(isinstance(v, (int, float)) for v in value.values()):
                raise ConfigError(f"{path}: 'max-rate' must be a table of attribute = percent")
            value = {str(k): float(v) for k, v in value.items()}
        elif key == "baseline":
            if not isinstance(value, str):
                raise ConfigError(f"{path}: 'baseline' must be a path")
            value = str(base / value)
        elif key in ("builtin_rules", "model"):
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: '{raw_key}' must be true or false")
        elif key == "model_dir":
            if not isinstance(value, str):
                raise ConfigError(f"{path}: 'model-dir' must be a path")
            value = str(base / value)
        elif key == "model_scope":
            if value not in MODEL_SCOPES:
                raise ConfigError(f"{path}: 'model-scope' must be one of {', '.join(MODEL_SCOPES)} (got {value!r})")
        elif key in ("model_confirm", "model_find", "model_ask_find"):
            value = probability_table(value, f"{path}: '{raw_key}'")
        elif key == "tsv_column":
            if not isinstance(value, int):
                raise ConfigError(f"{path}: 'tsv-column' must be an integer")
        elif key == "jobs":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{path}: 'jobs' must be a whole number, 0 for one process per CPU (got {value!r})")
        elif not isinstance(value, str):
            raise ConfigError(f"{path}: '{raw_key}' must be a string")
        setattr(s, key, value)
    return s
