"""Reading declarative toolkit files (TOML or JSON) and the built-ins shipped in `builtin/`."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from send_core.toolkit import Toolkit

from .schema import ToolkitFileError, toolkit_from_data

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
# The built-ins, national default first.
BUILTIN_FILES = ("national.toml", "essex.toml", "cheshire_east.toml", "manchester.toml")
SUFFIXES = (".toml", ".json")


def load_toolkit_file(path: str | Path) -> Toolkit:
    """Read and check one toolkit file; ToolkitFileError (naming the file and field) if it cannot be used."""
    path = Path(path)
    source = path.name
    if path.suffix not in SUFFIXES:
        raise ToolkitFileError(source, "file", f"must be a .toml or .json file (got {path.suffix or 'no suffix'!r})")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ToolkitFileError(source, "file", f"cannot be read ({error.strerror or error})") from error
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ToolkitFileError(source, "file", f"is not valid TOML ({error})") from error
    except json.JSONDecodeError as error:
        raise ToolkitFileError(source, "file", f"is not valid JSON ({error})") from error
    return toolkit_from_data(data, source=source)


def builtin_toolkit_paths() -> list[Path]:
    return [BUILTIN_DIR / name for name in BUILTIN_FILES]


def load_builtin_toolkits() -> list[Toolkit]:
    """Every built-in toolkit, checked. A broken built-in is a bug in Cairn itself, so this raises."""
    return [load_toolkit_file(path) for path in builtin_toolkit_paths()]
