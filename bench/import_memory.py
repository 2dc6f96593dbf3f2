"""Memory and speed of the arXiv snapshot parser, and of a whole import with `--store`, on a
synthetic snapshot of N records.

The real snapshot is several GB, so parsing must stream: peak memory should stay flat however
many records the file holds. Each measurement runs in a fresh subprocess, so that its peak RSS
(ru_maxrss) belongs to that parse alone and not to the generation of the file.

Prints figures; asserts nothing. Run: python bench/import_memory.py [-n 200000] [--formats plain,gz]
[--store] (the import into a new library as `paperscope import` makes it: about 15 minutes at
200,000 records on the project's machine).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from pathlib import Path

TARGET_MB = 300
SEED = 20070402
_WORDS = (
    "model", "learning", "data", "network", "quantum", "field", "theory", "algorithm", "graph",
    "energy", "spectrum", "results", "method", "analysis", "optimal", "bound", "estimate",
    "dynamics", "phase", "transition", "sample", "language", "inference", "we", "show", "that",
    "the", "of", "a", "in", "for", "with", "on", "by", "is", "are", "this", "paper", "new", "two",
    "which", "from", "these", "our",
)  # fmt: skip
_LATEX = ("$\\alpha$", "$O(n\\log n)$", 'Schr\\"odinger', "$\\mathbb{R}^n$", "{\\em et}")
_CATEGORIES = ("cs.CL", "cs.LG", "hep-th", "math.CO", "astro-ph.GA", "quant-ph", "stat.ML")
_FIRST = ("Ana", "B.", "Chen", "D. E.", "Faisal", "H.-J.", "Ivan", "Jun", "Maria", "Sergei")
# (as free text writes it, as authors_parsed writes it): TeX in one, Unicode in the other.
_LAST = (
    ("Smith", "Smith"), ("Bal\\'azs", "Balázs"), ("Nguyen", "Nguyen"), ('M\\"uller', "Müller"),
    ("Rossi", "Rossi"), ("Kowalski", "Kowalski"), ("Tanaka", "Tanaka"), ("Okafor", "Okafor"),
    ("Garcia", "Garcia"), ("Ivanov", "Ivanov"), ("Wang", "Wang"), ("Dubois", "Dubois"),
)  # fmt: skip
# The snapshot has $...$ in about a quarter of abstracts and 4% of titles.
_LATEX_IN_SENTENCE = 0.04
_LATEX_IN_TITLE = 0.04
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _sentence(rng: random.Random, words: int, latex: float = _LATEX_IN_SENTENCE) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    if rng.random() < latex:
        text += " " + rng.choice(_LATEX)
    return text.capitalize() + "."


def _wrapped(text: str, first: str, rest: str) -> str:
    """Hard-wrapped at 80 columns the way the snapshot is."""
    return "\n".join(textwrap.wrap(text, 79, initial_indent=first, subsequent_indent=rest))


def _abstract(rng: random.Random) -> str:
    """About 1000 characters in one to three paragraphs, like a real abstract."""
    paragraphs = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        sentences = [_sentence(rng, rng.randint(10, 28)) for _ in range(rng.randint(3, 8))]
        if rng.random() < 0.05:
            sentences.append(f"Code is available at https://github.com/u{rng.randint(1, 9999)}/r.")
        paragraphs.append(_wrapped(" ".join(sentences), "  ", ""))
    return "\n".join(paragraphs) + "\n"


def _created(rng: random.Random, year: int) -> str:
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    weekday = _DAYS[rng.randint(0, 6)]
    return f"{weekday}, {day} {_MONTHS[month - 1]} {year} {rng.randint(0, 23):02d}:14:07 GMT"


def _record(rng: random.Random, n: int) -> dict[str, object]:
    year = 2007 + n % 17
    people = [(rng.choice(_LAST), rng.choice(_FIRST)) for _ in range(rng.randint(1, 10))]
    title = _sentence(rng, rng.randint(5, 16), _LATEX_IN_TITLE)
    versions = [
        {"version": f"v{v}", "created": _created(rng, year + v - 1)}
        for v in range(1, rng.choice((1, 1, 2, 3)) + 1)
    ]
    return {
        "id": f"{year % 100:02d}{n % 12 + 1:02d}.{n % 100000:05d}",
        "submitter": f"{people[0][1]} {people[0][0][1]}",
        "authors": ", ".join(f"{first} {last[0]}" for last, first in people),
        "title": _wrapped(title.rstrip("."), "", "  "),
        "comments": f"{rng.randint(4, 40)} pages, {rng.randint(0, 12)} figures",
        "journal-ref": None,
        "doi": f"10.1103/PhysRev.{n}" if rng.random() < 0.4 else None,
        "report-no": None,
        "categories": " ".join(rng.sample(_CATEGORIES, rng.randint(1, 3))),
        "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
        "abstract": _abstract(rng),
        "versions": versions,
        "update_date": f"{year + len(versions) - 1}-06-01",
        "authors_parsed": [[last[1], first, ""] for last, first in people],
    }


def generate(path: Path, count: int) -> None:
    rng = random.Random(SEED)
    with path.open("w", encoding="ascii") as out:
        for n in range(count):
            out.write(json.dumps(_record(rng, n), separators=(",", ":")) + "\n")


def packed(plain: Path, fmt: str) -> Path:
    if fmt == "plain":
        return plain
    if fmt == "gz":
        target = plain.with_suffix(".json.gz")
        with plain.open("rb") as src, gzip.open(target, "wb", compresslevel=6) as dst:
            shutil.copyfileobj(src, dst)
        return target
    target = plain.with_suffix(".json.zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(plain, plain.name)
    return target


def child(path: str, library: str | None) -> None:
    """Parse one file, or import it into `library`, and print JSON figures; runs in its own
    process."""
    from search_index import Library, import_file
    from search_index.importers import arxiv_json
    from search_index.models import Paper

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    papers = errors = 0
    if library:
        report = import_file(Library.open(library, seed=False), path, "arxiv-json")
        papers, errors = report.stored, len(report.errors)
    else:
        for record in arxiv_json.parse(path):
            if isinstance(record, Paper):
                papers += 1
            else:
                errors += 1
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"papers": papers, "errors": errors, "seconds": elapsed, "peak_kib": peak,
                      "baseline_kib": before}))  # fmt: skip


def measure(path: Path, library: Path | None = None) -> dict[str, float]:
    store = ["--library", str(library)] if library else []
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), *store],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=200_000, help="records to generate")
    parser.add_argument("--formats", default="plain,gz", help="comma list of plain, gz, zip")
    parser.add_argument("--store", action="store_true", help="also import into a new library")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--library", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.library)
        return
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "snapshot.json"
        started = time.perf_counter()
        generate(plain, args.n)
        print(f"generated {args.n} records, {plain.stat().st_size / 2**20:.0f} MiB, "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        print(f"{'file':<8}{'MiB':>8}{'papers':>10}{'errors':>8}{'seconds':>9}{'records/s':>11}"
              f"{'base MB':>9}{'peak MB':>9}  target < {TARGET_MB} MB")  # fmt: skip
        runs = [(fmt, None) for fmt in args.formats.split(",")]
        if args.store:
            runs.append(("import", Path(tmp) / "library"))
        for fmt, library in runs:
            path = packed(plain, "plain" if library else fmt)
            r = measure(path, library)
            peak_mb = r["peak_kib"] / 1024
            verdict = "ok" if peak_mb < TARGET_MB else "OVER"
            print(f"{fmt:<8}{path.stat().st_size / 2**20:>8.0f}{r['papers']:>10.0f}"
                  f"{r['errors']:>8.0f}{r['seconds']:>9.1f}{r['papers'] / r['seconds']:>11.0f}"
                  f"{r['baseline_kib'] / 1024:>9.0f}{peak_mb:>9.0f}  {verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
