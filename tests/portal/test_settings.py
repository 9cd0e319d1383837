"""Settings cannot drift: every setting the code reads has its default in `portal/config.py`
and a row in docs/settings.md (or docs/sign-in.md), and the documented defaults are the code's."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

from flask import Flask

from portal.config import DEFAULTS

ROOT = Path(__file__).resolve().parents[2]
CODE = [*sorted((ROOT / "portal").rglob("*.py")), *sorted((ROOT / "catalog").rglob("*.py"))]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
COMPLETE_DOCS = [ROOT / "docs" / "settings.md", ROOT / "docs" / "sign-in.md"]
ALL_DOCS = [*COMPLETE_DOCS, ROOT / "README.md"]
# Read from the environment before there is a configuration (portal/__init__.py).
ENVIRONMENT_ONLY = {"INSTANCE_PATH"}
# `config.NAME` or `config["NAME"]` in a template.
TEMPLATE_READ = re.compile(r"\bconfig(?:\.([A-Z][A-Z0-9_]*)|\[['\"]([A-Z][A-Z0-9_]*)['\"]\])")


def _is_config(node: ast.expr) -> bool:
    """`config`, `app.config`, `current_app.config`, `self.app.config`, ..."""
    return (isinstance(node, ast.Name) and node.id == "config") or (
        isinstance(node, ast.Attribute) and node.attr == "config")


def _code_reads() -> tuple[dict[str, list[str]], set[str], list[str]]:
    """Keys read with config[...], keys written (derived), and reads that bring their own
    default (config.get, config.setdefault, defaults merged into the config)."""
    reads: dict[str, list[str]] = {}
    written: set[str] = set()
    own_defaults: list[str] = []
    for path in CODE:
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Subscript) and _is_config(node.value)
                    and isinstance(node.slice, ast.Constant)
                    and isinstance(node.slice.value, str)):
                if isinstance(node.ctx, ast.Store):
                    written.add(node.slice.value)
                else:
                    reads.setdefault(node.slice.value, []).append(f"{where}:{node.lineno}")
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("get", "setdefault") and _is_config(node.func.value)):
                own_defaults.append(f"{where}:{node.lineno} config.{node.func.attr}(...)")
            elif isinstance(node, ast.Dict) and any(
                    key is None and _is_config(value)
                    for key, value in zip(node.keys, node.values, strict=True)):
                own_defaults.append(f"{where}:{node.lineno} defaults merged with the config")
    for path in TEMPLATES:
        where = str(path.relative_to(ROOT))
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for match in TEMPLATE_READ.finditer(line):
                reads.setdefault(match.group(1) or match.group(2), []).append(f"{where}:{number}")
    return reads, written, own_defaults


def _table_rows(path: Path) -> list[tuple[list[str], str]]:
    """(setting names without PORTAL_, default cell) for each settings table row of a page."""
    rows = []
    for line in path.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 3:
            names = re.findall(r"`PORTAL_([A-Z0-9_]+)`", cells[0])
            if names:
                rows.append((names, cells[1]))
    return rows


def _documented(paths: list[Path]) -> set[str]:
    return {name for path in paths for names, _ in _table_rows(path) for name in names} | {
        name for path in paths for name in re.findall(r"`PORTAL_([A-Z0-9_]+)`", path.read_text())}


def _shown(value: Any) -> str | None:
    """A default as the docs write it (as an environment variable would give it)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def test_every_setting_read_has_its_default_in_portal_config() -> None:
    reads, written, own_defaults = _code_reads()
    flask_own = set(Flask.default_config)
    missing = {key: places for key, places in reads.items()
               if key not in DEFAULTS and key not in written and key not in flask_own}
    assert not missing, f"settings read without a default in portal/config.py: {missing}"
    assert not own_defaults, (
        "settings with a default outside portal/config.py (put it in DEFAULTS and read "
        f"config[...]): {own_defaults}")


def test_the_code_reads_what_the_tests_look_for() -> None:
    """The parser finds the kinds of reads the portal makes (so an empty result is no pass)."""
    reads, written, _ = _code_reads()
    assert {"PER_PAGE", "SMTP_HOST", "OIDC_ISSUER", "MAX_UPLOAD_MB"} <= set(reads)
    assert {"SQLALCHEMY_DATABASE_URI", "MAX_CONTENT_LENGTH"} <= written


def test_every_setting_is_documented_and_nothing_else_is() -> None:
    settings = set(DEFAULTS) | ENVIRONMENT_ONLY
    undocumented = sorted(settings - _documented(COMPLETE_DOCS))
    assert not undocumented, f"settings missing from docs/settings.md: {undocumented}"
    unknown = sorted(name for path in ALL_DOCS for names, _ in _table_rows(path)
                     for name in names if name not in settings)
    assert not unknown, f"documented settings the portal does not have: {unknown}"


def test_documented_defaults_are_the_code_defaults() -> None:
    wrong = []
    for path in ALL_DOCS:
        for names, default_cell in _table_rows(path):
            if len(names) != 1 or names[0] not in DEFAULTS:
                continue
            shown = _shown(DEFAULTS[names[0]])
            if shown is not None and f"`{shown}`" not in default_cell:
                wrong.append(f"{path.name}: PORTAL_{names[0]} says {default_cell!r}, "
                             f"portal/config.py `{shown}`")
    assert not wrong, "\n".join(wrong)


def test_the_readme_links_the_complete_table() -> None:
    assert "docs/settings.md" in (ROOT / "README.md").read_text()
