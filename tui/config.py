"""The user's settings: `config.toml` in this user's config directory.

    citation_style = "apa"            # what `c` copies: bibtex, apa, mla, ris, any CSL style
    [keymap]
    "main.copy_citation" = "ctrl+y"   # binding id = keys, as listed on the help screen

A broken file never stops the explorer: it starts with the defaults and says what was wrong.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

import attrs

from search_index import PaperscopeError, resolve_style


@attrs.frozen
class Config:
    citation_style: str = "bibtex"
    keymap: Mapping[str, str] = attrs.field(factory=dict)
    problems: tuple[str, ...] = ()
    """What was wrong with the file, one line each, to show the user."""


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """`PAPERSCOPE_CONFIG`, else `$XDG_CONFIG_HOME/paperscope/config.toml`, else ~/.config/…"""
    env = os.environ if environ is None else environ
    if env.get("PAPERSCOPE_CONFIG"):
        return Path(env["PAPERSCOPE_CONFIG"]).expanduser()
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "paperscope" / "config.toml"


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Config(problems=(f"{path}: {exc}; using the defaults",))
    problems: list[str] = []
    style = "bibtex"
    raw_style = data.get("citation_style", "bibtex")
    try:
        style = resolve_style(str(raw_style))
    except PaperscopeError as exc:
        problems.append(f"{path}: citation_style: {exc}")
    keymap: dict[str, str] = {}
    raw_keymap = data.get("keymap", {})
    if isinstance(raw_keymap, dict):
        for binding_id, keys in raw_keymap.items():
            if isinstance(keys, str) and keys.strip():
                keymap[str(binding_id)] = keys.strip()
            else:
                problems.append(f"{path}: keymap {binding_id!r} needs keys as a string")
    else:
        problems.append(f"{path}: [keymap] must be a table")
    return Config(citation_style=style, keymap=keymap, problems=tuple(problems))
