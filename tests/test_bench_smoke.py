"""The benchmark still runs end to end (a small size; no timing is judged here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_scale_benchmark_runs_at_5000_papers(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--papers", "5000", "--queries", "8",
         "--json", str(out), "--workdir", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=600, check=False, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    assert report["papers"] == 5000
    assert report["import"]["papers/s"] > 0 and report["index"]["MB"] > 0
    assert report["import"]["papers/s, last tenth"] > 0
    for section in ("paperscope search ms", "naive whoosh ms", "sqlite fts5 ms", "explorer ms"):
        assert report[section] and all(v >= 0 for v in report[section].values())
    assert "explorer page (200, facets, highlights) p95" in report["paperscope search ms"]
    assert "keystroke to results p95" in report["explorer ms"]


def test_scale_benchmark_can_stop_after_the_import(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--papers", "1000", "--import-only",
         "--json", str(out), "--workdir", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=300, check=False, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    assert set(report) == {"papers", "category", "import", "index", "targets and ratios"}
    assert "1000 papers" in proc.stderr  # the import's progress, as it goes


def test_import_memory_benchmark_runs_with_a_whole_import() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "import_memory.py"), "-n", "600",
         "--formats", "plain", "--store"],
        capture_output=True, text=True, timeout=300, check=False, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line.split() for line in proc.stdout.splitlines()[2:]}
    assert rows["plain"][2] == rows["import"][2] == "600"  # every record parsed, and stored
