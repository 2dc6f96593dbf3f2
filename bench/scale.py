"""paperscope at scale: import, index size, search latency, explorer responsiveness, with the
naive Whoosh way and SQLite FTS5 measured side by side on the same corpus and queries.

Prints a table and writes JSON; asserts nothing (CI runs a small size to check it still works).
    python bench/scale.py --papers 10000 [--json out.json] [--workdir DIR] [--import-only]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import corpus

from search_index import Filters, Library, Paper, SearchService, Sort
from search_index.importers import arxiv_json

SECTIONS = ("search", "naive", "explorer", "sqlite")
"""What --only chooses from, after the import (or --reuse), the index size and the open."""

# The date range of every filtered search, paperscope's and the baselines'.
SINCE, UNTIL = dt.date(2015, 1, 1), dt.date(2020, 12, 31)

# The targets at 1,000,000 papers: (section, figure, target, True if higher is better).
TARGETS = [
    ("import", "papers/s", 1000.0, True),
    ("import", "papers/s, last tenth", 1000.0, True),
    ("import", "peak RSS MB", 1024.0, False),
    ("paperscope search ms", "plain p95", 50.0, False),
    ("paperscope search ms", "category filter p95", 50.0, False),
    ("paperscope search ms", "date range p95", 50.0, False),
    ("paperscope search ms", "sorted newest p95", 50.0, False),
    ("paperscope search ms", "facets p95", 100.0, False),
    ("paperscope search ms", "highlights (20) p95", 20.0, False),
    ("explorer ms", "start to first results", 1000.0, False),
    ("explorer ms", "keystroke to results p95", 150.0, False),
    ("explorer ms", "RSS MB (this process)", 300.0, False),
]
# paperscope's figure over a baseline's, for the same searches.
RATIOS = [
    ("category + dates + newest p95", "naive whoosh ms", "filtered+sorted p95"),
    ("category + dates + newest p95", "sqlite fts5 ms", "filtered+sorted p95"),
    ("plain p95", "sqlite fts5 ms", "search p95"),
]


def judged(sections: dict[str, dict[str, float]]) -> dict[str, float]:
    """Each target as measured/target (above 1 misses it, for times and memory) and each
    figure as a ratio to the baselines."""
    out: dict[str, float] = {}
    for section, name, target, higher_is_better in TARGETS:
        value = sections.get(section, {}).get(name)
        if value is not None:
            out[f"{name} / target"] = target / value if higher_is_better else value / target
    ours = sections.get("paperscope search ms", {})
    for name, section, theirs in RATIOS:
        if name in ours and theirs in sections.get(section, {}):
            baseline = sections[section][theirs]
            label = f"ours / {section.split()[0]}, {name.replace('category + dates', 'cat+dates')}"
            out[label] = ours[name] / max(baseline, 1e-3)
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn: Callable[[], object], repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def import_in_subprocess(source: Path, library: Path, papers: int) -> dict[str, float]:
    """Import in a fresh process, so its peak RSS is the import's own. It reports its progress
    (papers, seconds, RSS) on stderr every tenth of the corpus, and the rate between the last
    two reports is the sustained rate at the library's full size (over the last batch, when a
    batch is more than a tenth)."""
    tenth = max(papers // 10, 1)
    code = (
        "import sys, time, resource, json\n"
        "from search_index import Library, import_file\n"
        f"lib = Library.open({str(library)!r}, seed=False)\n"
        "t = time.perf_counter()\n"
        "marks = []\n"
        "def progress(r):\n"
        f"    if r.stored // {tenth} > len(marks):\n"
        "        marks.append((r.stored, time.perf_counter() - t))\n"
        "        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "        print(f'{r.stored} papers {marks[-1][1]:.0f} s peak RSS {rss:.0f} MB',"
        " file=sys.stderr, flush=True)\n"
        f"r = import_file(lib, {str(source)!r}, 'arxiv-json', progress=progress)\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'stored': r.stored, 'marks': marks,"
        " 'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, check=True,
        cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    imported = json.loads(out.stdout)
    figures = {"papers/s": imported["stored"] / imported["seconds"]}
    marks = imported["marks"]
    if len(marks) >= 2:
        (before, started), (after, ended) = marks[-2], marks[-1]
        if ended > started:
            figures["papers/s, last tenth"] = (after - before) / (ended - started)
    figures |= {"seconds": imported["seconds"], "peak RSS MB": imported["rss_mb"]}
    return figures


def sqlite_baseline(papers: Iterable[Paper], queries: list[str], category: str) -> dict[str, float]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, abstract, authors)")
    db.execute("CREATE TABLE meta(rowid INTEGER PRIMARY KEY, published TEXT, category TEXT)")
    started = time.perf_counter()
    count = 0
    for i, p in enumerate(papers, 1):
        count = i
        db.execute(
            "INSERT INTO fts(rowid, title, abstract, authors) VALUES (?,?,?,?)",
            (i, p.title, p.abstract, " ".join(p.authors)),
        )
        db.execute(
            "INSERT INTO meta VALUES (?,?,?)", (i, p.published.isoformat(), p.primary_category)
        )
    db.execute("CREATE INDEX meta_pub ON meta(published)")
    db.commit()
    build = time.perf_counter() - started

    def fts(q: str) -> str:
        return " ".join(f'"{w}"' for w in q.split())

    def plain_search(q: str) -> object:
        return db.execute(
            "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 50", (fts(q),)
        ).fetchall()

    def filtered_search(q: str) -> object:
        return db.execute(
            "SELECT fts.rowid FROM fts JOIN meta ON meta.rowid = fts.rowid WHERE fts MATCH ? "
            "AND meta.category = ? AND meta.published BETWEEN ? AND ? "
            "ORDER BY meta.published DESC LIMIT 50",
            (fts(q), category, SINCE.isoformat(), UNTIL.isoformat()),
        ).fetchall()

    plain = [t for q in queries for t in timed(functools.partial(plain_search, q))]
    filtered = [t for q in queries for t in timed(functools.partial(filtered_search, q))]
    return {
        "build papers/s": count / build,
        "search p50": statistics.median(plain),
        "search p95": percentile(plain, 0.95),
        "filtered+sorted p95": percentile(filtered, 0.95),
    }


# Whoosh used the plain way, in a process of its own: paperscope's fixes to Whoosh
# (search_index/whoosh_patches.py) apply to every Whoosh in a process that imports search_index,
# and the baseline is Whoosh as shipped.
NAIVE = r"""
import json, sys, time
from whoosh import index, qparser, query as wq
path, indexname, category, since, until, queries = json.loads(sys.argv[1])
assert "search_index" not in sys.modules
ix = index.open_dir(path, indexname=indexname)
parser = qparser.MultifieldParser(["title", "abstract", "authors"], ix.schema)
times = []
with ix.searcher() as s:
    for q in queries:
        started = time.perf_counter()
        flt = wq.And([wq.Term("categories", category.lower()),
                      wq.NumericRange("published", since, until)])
        s.search(parser.parse(q), filter=flt, limit=50, sortedby="published", reverse=True)
        times.append((time.perf_counter() - started) * 1000)
print(json.dumps(times))
"""


def naive_whoosh(library: Library, queries: list[str], category: str) -> dict[str, float]:
    """Stock Whoosh used the plain way: one searcher, a parser, and Term/range filters built
    per query (uncached), in a fresh process without paperscope's fixes to Whoosh."""
    from search_index.schema import INDEX_NAME

    arguments = [str(library.path), INDEX_NAME, category, SINCE.toordinal(), UNTIL.toordinal()]
    out = subprocess.run(
        [sys.executable, "-c", NAIVE, json.dumps([*arguments, queries])],
        stdout=subprocess.PIPE, text=True, check=True, cwd=tempfile.gettempdir(),
    )  # fmt: skip
    times: list[float] = json.loads(out.stdout)
    return {"filtered+sorted p95": percentile(times, 0.95), "p50": statistics.median(times)}


def search_latencies(service: SearchService, queries: list[str], category: str) -> dict[str, float]:
    variants: dict[str, Callable[[str], object]] = {
        "plain": lambda q: service.search(q, facets=False, highlight=False),
        "category filter": lambda q: service.search(
            q, Filters(categories=(category,)), facets=False, highlight=False
        ),
        "date range": lambda q: service.search(
            q,
            Filters(since=SINCE, until=UNTIL),
            facets=False,
            highlight=False,
        ),
        "sorted newest": lambda q: service.search(
            q, sort=Sort.NEWEST, facets=False, highlight=False
        ),
        # The same searches as the naive-Whoosh and SQLite "filtered+sorted" baselines.
        "category + dates + newest": lambda q: service.search(
            q,
            Filters(categories=(category,), since=SINCE, until=UNTIL),
            sort=Sort.NEWEST,
            facets=False,
            highlight=False,
        ),
        "facets": lambda q: service.search(q, facets=True, highlight=False),
        "highlights (20)": lambda q: service.search(q, limit=20, facets=False, highlight=True),
        "explorer page (200, facets, highlights)": lambda q: service.search(q, limit=200),
    }
    out: dict[str, float] = {}
    for name, fn in variants.items():
        times = [t for q in queries for t in timed(functools.partial(fn, q))]
        out[f"{name} p50"] = statistics.median(times)
        out[f"{name} p95"] = percentile(times, 0.95)
    return out


def explorer_timings(library: Library, queries: list[str]) -> dict[str, float]:
    from tui.app import PaperscopeApp
    from tui.screens.main import MainScreen
    from tui.widgets.results import ResultsList

    async def run() -> dict[str, float]:
        started = time.perf_counter()
        app = PaperscopeApp(SearchService(library), state_dir=Path(tempfile.mkdtemp()),
                            use_local_clipboard=False)  # fmt: skip
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            results = screen.query_one(ResultsList)
            while not results.hits:
                await pilot.pause(0.005)
            first = (time.perf_counter() - started) * 1000
            keystrokes = []
            await pilot.press("slash")
            for q in queries[:15]:
                # The object itself, held: comparing id()s waited forever when the answer was
                # allocated where a freed earlier answer had been.
                before = screen.results
                await pilot.press("ctrl+u")
                await pilot.press(*q[:-1])
                pressed = time.perf_counter()
                await pilot.press(q[-1])
                while screen.results is before or getattr(screen.results, "query", None) != q:
                    await pilot.pause(0.002)
                keystrokes.append((time.perf_counter() - pressed) * 1000)
        return {
            "start to first results": first,
            "keystroke to results p50": statistics.median(keystrokes),
            "keystroke to results p95": percentile(keystrokes, 0.95),
        }

    return asyncio.run(run())


def resident_now() -> dict[str, float]:
    """Anonymous memory (the process's own) apart from file pages (the memory-mapped index,
    shared with every process reading it and given back under pressure); Linux only."""
    status = Path("/proc/self/status")
    if not status.exists():
        return {}
    fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
    return {
        f"{name} MB (now)": int(fields[name].split()[0]) / 1024
        for name in ("RssAnon", "RssFile")
        if name in fields
    }


class Report:
    """Sections printed and saved as soon as measured: a run of an hour or more that fails late
    still leaves every figure it got."""

    def __init__(self, papers: int, queries: int, path: Path | None) -> None:
        self.papers, self.queries, self.path = papers, queries, path
        self.category = ""
        self.sections: dict[str, dict[str, float]] = {}
        print(f"paperscope bench: {papers:,} papers, {queries} queries", flush=True)

    def add(self, section: str, figures: dict[str, float]) -> None:
        self.sections[section] = figures
        print(f"\n{section}")
        for name, value in figures.items():
            print(f"  {name:<44}{value:>12.1f}")
        sys.stdout.flush()
        if self.path:
            data = {"papers": self.papers, "category": self.category, **self.sections}
            self.path.write_text(json.dumps(data, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the workdir's corpus and library from an earlier run (import not re-measured)",
    )
    parser.add_argument(
        "--no-baselines",
        action="store_true",
        help="skip naive Whoosh and SQLite (at 1,000,000 papers they take most of an hour)",
    )
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="stop after the import and the index size",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="measure only these sections (repeatable); with --reuse, to measure one again",
    )
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="paperscope-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / "corpus.jsonl"
    library_dir = work / "library"
    reusing = args.reuse and source.exists() and (library_dir / "library.json").exists()
    if not reusing:
        corpus.generate(source, args.papers)
    queries = corpus.queries(args.queries)
    report = Report(args.papers, len(queries), args.json)

    if not reusing:
        report.add("import", import_in_subprocess(source, library_dir, args.papers))
    size_mb = sum(f.stat().st_size for f in library_dir.iterdir()) / 1e6
    report.add("index", {"MB": size_mb})
    if args.import_only:
        report.add("targets and ratios", judged(report.sections))
        return
    started = time.perf_counter()
    library = Library.open(library_dir, seed=False)
    service = SearchService(library)
    service.search(queries[0])
    report.add("open", {"open + first search ms": (time.perf_counter() - started) * 1000})
    category = service.search("", limit=1).facets.categories[0][0]
    report.category = category
    wanted = set(args.only or SECTIONS) - ({"naive", "sqlite"} if args.no_baselines else set())
    if "search" in wanted:
        report.add("paperscope search ms", search_latencies(service, queries, category))
    if "naive" in wanted:
        report.add("naive whoosh ms", naive_whoosh(library, queries, category))
    if "explorer" in wanted:
        explorer = explorer_timings(library, queries)
        # Before the corpus is read for SQLite: the peak so far is the library, its searchers
        # and the explorer, which is what the explorer's memory target is about.
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        explorer["RSS MB (this process)"] = rss
        explorer |= resident_now()
        report.add("explorer ms", explorer)
    if "sqlite" in wanted:
        papers = (p for p in arxiv_json.parse(source) if isinstance(p, Paper))
        report.add("sqlite fts5 ms", sqlite_baseline(papers, queries, category))
    # Above 1: a target missed by that factor (for import speed too: target over measured).
    report.add("targets and ratios", judged(report.sections))


if __name__ == "__main__":
    main()
