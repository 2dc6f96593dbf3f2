"""A 100 MB single line in each format: rejected with its line, the rest of the file imported, and
the importing process's memory bounded (the file is streamed, never read whole)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from search_index import Library, SearchService
from tests.hostile.conftest import command_env
from tests.hostile.corpus import write_huge_line

PEAK_RSS_LIMIT_MB = 400

# Runs the command as its own child and reports that child's peak RSS: RUSAGE_CHILDREN of the
# test process itself would also count every earlier child of the whole test run.
_MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True)
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"returncode": done.returncode, "peak_mb": peak_kb / 1024,
                  "stdout": done.stdout.decode("utf-8", "replace"),
                  "stderr": done.stderr.decode("utf-8", "replace")}))
"""


@pytest.mark.parametrize("fmt", ["listing", "arxiv-json", "atom", "bibtex", "mailing"])
def test_a_100_mb_line_is_rejected_with_bounded_memory(
    tmp_path: Path, paperscope_command: Path, fmt: str
) -> None:
    path, last_title = write_huge_line(tmp_path, fmt)
    library = tmp_path / "library"
    try:
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(paperscope_command), "import", str(path)],
            env=command_env(tmp_path / "home", library),
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    finally:
        path.unlink()  # 100 MB: not left for pytest's kept temporary directories
    result = json.loads(done.stdout)
    assert "Traceback" not in result["stderr"], result["stderr"][-2000:]
    assert result["returncode"] == 1, result["stderr"]
    assert result["peak_mb"] < PEAK_RSS_LIMIT_MB, result
    [rejection] = result["stderr"].splitlines()
    assert rejection.startswith(f"{path}:")
    assert "longer than" in rejection or "more than" in rejection
    service = SearchService(Library.open(library, seed=False))
    assert [p.title for p in service.iter_papers("")] == [last_title]
