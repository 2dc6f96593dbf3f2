"""The two halves stay apart: the library never drags in a UI, the UI never touches Whoosh."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imports(package: str) -> list[tuple[Path, str]]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((path, node.module))
    return found


def test_importing_search_index_loads_no_ui_package() -> None:
    code = (
        "import sys, search_index\n"
        "print(sorted(m for m in ('textual', 'rich', 'pyperclip') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("forbidden", ["textual", "rich", "pyperclip"])
def test_search_index_source_never_imports_ui(forbidden: str) -> None:
    offenders = [
        f"{p.relative_to(ROOT)}: {m}"
        for p, m in _imports("search_index")
        if m == forbidden or m.startswith(forbidden + ".")
    ]
    assert offenders == []


def test_tui_never_imports_whoosh() -> None:
    offenders = [
        f"{p.relative_to(ROOT)}: {m}"
        for p, m in _imports("tui")
        if m == "whoosh" or m.startswith("whoosh.")
    ]
    assert offenders == []


def test_tui_imports_only_the_public_api_of_search_index() -> None:
    offenders = [
        f"{p.relative_to(ROOT)}: {m}" for p, m in _imports("tui") if m.startswith("search_index.")
    ]
    assert offenders == []


def test_no_styles_in_python_strings() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "tui").rglob("*.py")
        if "DEFAULT_CSS" in p.read_text("utf-8") or "\nCSS =" in p.read_text("utf-8")
    ]
    assert offenders == []


def test_our_code_imports_and_searches_warning_free(tmp_path: Path) -> None:
    """Whoosh's own warnings are filtered for Whoosh alone; ours must not need filtering."""
    code = (
        "import search_index, tui.app, tui.cli\n"
        "from search_index import Library, SearchService\n"
        f"s = SearchService(Library.open({str(tmp_path / 'lib')!r}))\n"
        "print(s.search('preference optimization').total)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "6"
