"""Where a library lives when the user does not say."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def default_library_dir(environ: Mapping[str, str] | None = None) -> Path:
    """`PAPERSCOPE_HOME`, else `$XDG_DATA_HOME/paperscope`, else `~/.local/share/paperscope`."""
    env = os.environ if environ is None else environ
    if env.get("PAPERSCOPE_HOME"):
        return Path(env["PAPERSCOPE_HOME"]).expanduser()
    if env.get("XDG_DATA_HOME"):
        return Path(env["XDG_DATA_HOME"]).expanduser() / "paperscope"
    return Path.home() / ".local" / "share" / "paperscope"
