"""The catalog file format (YAML): import and export, as DESIGN.md describes it."""

from __future__ import annotations

from typing import Any

import yaml

from .exporter import export_catalog, offering_to_dict
from .importer import CatalogFileError, ImportSummary, apply_offering, import_catalog
from .validate import Problems, validate_offering

__all__ = [
    "CatalogFileError", "ImportSummary", "Problems", "apply_offering", "dump_yaml",
    "export_catalog", "import_catalog", "load_yaml", "offering_to_dict", "validate_offering",
]


def load_yaml(text: str) -> Any:
    """Parse a catalog file; a YAML syntax error becomes a problem with its line and column."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        problems = Problems()
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problems.add(where, f"not valid YAML: {getattr(error, 'problem', None) or error}")
        raise CatalogFileError(problems) from None


class _LiteralDumper(yaml.SafeDumper):
    """Writes multi-line text as YAML block scalars so exported Markdown stays readable."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_LiteralDumper, sort_keys=False, allow_unicode=True, width=100)
