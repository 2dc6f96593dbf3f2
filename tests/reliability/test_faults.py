"""Nothing lost: an import killed at any moment, a full disk, a damaged or foreign directory,
readers racing a writer, a read-only library.

Each test asserts what a user would notice: the library opens, every paper it held is still
there byte for byte, an interrupted import left whole batches only and finishes when run again,
errors are one line naming the library (exit status 2, no traceback), files are untouched.
docs/RELIABILITY.md lists the promises, the test that proves each, and the numbers measured.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import itertools
import json
import os
import random
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from search_index import Library, LibraryError, LibraryLocked, Paper, SearchService
from search_index.documents import paper_from_record
from search_index.importing import parse_file
from search_index.schema import INDEX_NAME
from tests.conftest import REFERENCE_DATE, ROOT
from tests.reliability.conftest import OtherUser

SCRIPT = Path(sys.executable).parent / "paperscope"
BATCH = 2000  # what `paperscope import` commits at a time (Library.add's default)
SEED = 20261126
SEED_PAPERS = 19
WORD = "kestrel"  # in every generated title and in no seed paper: its hits are the import


# -- data ----------------------------------------------------------------------------------------


def snapshot_line(i: int) -> str:
    """One record of an arXiv metadata snapshot: accents, two categories, a wrapped abstract."""
    return json.dumps(
        {
            "id": f"2403.{i:05d}v2",
            "submitter": "Ahmet Üstün",
            "authors": f"Ahmet Üstün, Bo Li{i % 7} and Zoë Gallé",
            "authors_parsed": [
                ["Üstün", "Ahmet", ""],
                [f"Li{i % 7}", "Bo", ""],
                ["Gallé", "Zoë", ""],
            ],
            "title": f"Kestrel study number {i} of robust\n  scaling",
            "categories": "cs.LG cs.CL" if i % 3 else "cs.CL",
            "abstract": f"  We measure case {i} of robust scaling with $\\alpha$ = {i % 10}.\n"
            "Second line of the same paragraph.\n",
            "versions": [
                {"version": "v1", "created": "Mon, 4 Mar 2024 10:00:00 GMT"},
                {"version": "v2", "created": f"Tue, {1 + i % 28} May 2024 09:00:00 GMT"},
            ],
            "update_date": "2024-05-30",
        },
        ensure_ascii=False,
    )


def write_snapshot(path: Path, count: int, start: int = 0) -> Path:
    path.write_text("".join(snapshot_line(i) + "\n" for i in range(start, start + count)), "utf-8")
    return path


@attrs.frozen
class Source:
    """The papers of an import file as the importer reads them, in file order."""

    path: Path
    order: tuple[str, ...]
    papers: dict[str, Paper]

    @classmethod
    def read(cls, path: Path) -> Source:
        chosen, records = parse_file(path)
        assert chosen == "arxiv-json"
        papers = [r for r in records if isinstance(r, Paper)]
        assert len(papers) == len(path.read_text().splitlines()), "a generated record was rejected"
        return cls(path, tuple(p.id for p in papers), {p.id: p for p in papers})


def fetched_paper(i: int) -> Paper:
    return Paper(
        id=f"2312.{i:05d}",
        title=f"Earlier fetched paper {i} on model merging",
        authors=("Arash Ahmadian", "Matthias Gallé"),
        published=dt.date(2023, 12, 1 + i % 28),
        abstract="Fetched before the big import.",
        categories=("cs.LG",),
    )


def build_baseline(path: Path) -> Path:
    """The seeded library plus four small imports (as `paperscope fetch` makes them): five
    segments, so the first commit of a big import also merges small segments."""
    library = Library.open(path, reference_date=REFERENCE_DATE)
    for j in range(4):
        library.add([fetched_paper(3 * j + t) for t in range(3)])
    segments = list(path.glob("*.seg"))
    assert len(segments) == 5, f"expected five small segments, found {segments}"
    return path


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_baseline(tmp_path_factory.mktemp("baseline") / "library")


def copy_library(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


# -- what a user can check -----------------------------------------------------------------------


def stored_records(path: Path) -> dict[str, str]:
    """Every stored record by paper id, read through a freshly opened library.

    Fails if the library does not open, if a paper is stored twice, or if the document count
    disagrees with the stored records.
    """
    library = Library.open(path, seed=False)
    with library.searcher() as s:
        pairs = [(f["id"], f["record"]) for f in s.all_stored_fields()]
        count = s.doc_count()
    ids = [i for i, _ in pairs]
    duplicated = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicated, f"papers stored twice: {duplicated[:5]}"
    assert count == len(pairs)
    return dict(pairs)


def check_batches(
    path: Path, before: dict[str, str], source: Source, batch: int = BATCH
) -> tuple[int, dict[str, str]]:
    """The library holds exactly what it held before plus the first k*batch papers of the import,
    each stored exactly as the importer read it. Returns k and the records."""
    records = stored_records(path)
    lost = [i for i, r in before.items() if records.get(i) != r]
    assert not lost, f"papers held before were lost or changed: {lost[:5]}"
    new = set(records) - set(before)
    assert len(new) % batch == 0, f"{len(new)} papers beyond the baseline: a partial batch"
    k = len(new) // batch
    assert new == set(source.order[: len(new)]), "stored papers are not whole batches in order"
    keys = Counter(paper_from_record(r).citation_key for r in records.values())
    assert all(keys) and max(keys.values()) == 1, "citation keys missing or not unique"
    for paper_id in new:
        stored = paper_from_record(records[paper_id])
        assert attrs.evolve(stored, citation_key=None) == source.papers[paper_id], paper_id
    # The postings agree with the stored records: the import's word finds exactly its papers.
    service = SearchService(Library.open(path, seed=False))
    found = service.search(WORD, limit=0, facets=False, highlight=False)
    assert (found.total, found.library_size) == (len(new), len(records))
    if new:
        last = source.order[len(new) - 1]
        hit = service.search(f'"{WORD} study number {int(last[5:])} of"', limit=2).hits
        assert [h.paper.id for h in hit] == [last]
    return k, records


def index_files(path: Path) -> set[str]:
    return {p.name for p in path.iterdir()}


def check_tidy(path: Path) -> None:
    """After a finished import only the current commit's files are left: no temporary table of
    contents, orphaned segment parts or writer scratch space eating the disk."""
    tocs = [n for n in index_files(path) if n.startswith(f"_{INDEX_NAME}_")]
    assert len(tocs) == 1 and re.fullmatch(rf"_{INDEX_NAME}_\d+\.toc", tocs[0]), tocs
    live = {s.segment_id() for s in TOC.read(FileStorage(str(path)), INDEX_NAME).segments}
    for name in index_files(path) - {
        "library.json",
        "write.lock",
        f"{INDEX_NAME}_WRITELOCK",
        *tocs,
    }:
        assert name.endswith(".seg") and name[: -len(".seg")] in live, f"left over: {name}"


def hashes(path: Path) -> dict[str, str]:
    if path.is_file():
        return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()}
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "/"
        for p in sorted(path.rglob("*"))
    }


def cli(
    library: Path | None, *args: str, ok: int | None = 0, timeout: float = 60, **popen: object
) -> subprocess.CompletedProcess[str]:
    """The installed command, as a user runs it; never a traceback."""
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "tui"]
    where = ["--library", str(library)] if library is not None else []
    proc = subprocess.run(
        [*command, *where, *args], capture_output=True, text=True, timeout=timeout,
        check=False, cwd=ROOT, **popen,  # type: ignore[call-overload]
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr
    if ok is not None:
        assert proc.returncode == ok, (proc.returncode, proc.stderr)
    return proc


def one_line_error(proc: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Exit status 2 and a single `paperscope: ...` line on stderr holding every needle."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("paperscope: "), proc.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


# -- the import under fire -----------------------------------------------------------------------

# Runs an import with markers on stdout at each step of Whoosh's commit, and kills itself with
# SIGKILL at the n-th time a named step is reached when PS_KILL_AT="step#n" is set. Without
# --batch it runs `paperscope import` itself (tui.cli.main, batches of 2,000).
WORKER = r"""
import os, signal, sys, time
from whoosh import index as whoosh_index, writing
from whoosh.codec import whoosh3
from whoosh.filedb import compound, filestore

kill_at = os.environ.get("PS_KILL_AT", "")
seen = {}

def mark(step):
    n = seen[step] = seen.get(step, 0) + 1
    sys.stdout.write(f"@{step} {n}\n")
    sys.stdout.flush()
    if kill_at == f"{step}#{n}":
        os.kill(os.getpid(), signal.SIGKILL)

def wrap(owner, name, before=None, after=None):
    original = getattr(owner, name)
    def wrapped(*args, **kwargs):
        if before:
            mark(before)
        result = original(*args, **kwargs)
        if after:
            mark(after)
        return result
    setattr(owner, name, wrapped)

W = writing.SegmentWriter
from search_index import segments
merging = [False]
original_init = W.__init__
def writer_init(self, *args, **kwargs):
    original_init(self, *args, **kwargs)
    if not merging[0]:
        mark("batch")
W.__init__ = writer_init
original_merge = segments.merge
def merge(*args, **kwargs):
    mark("merge")
    merging[0] = True
    try:
        return original_merge(*args, **kwargs)
    finally:
        merging[0] = False
        mark("merged")
segments.merge = merge
wrap(W, "write_per_doc", after="merge-docs")
original_add = W.add_document
def add_document(self, **fields):
    if not getattr(self, "_marked", False):
        self._marked = True
        mark("add")
    return original_add(self, **fields)
W.add_document = add_document
wrap(W, "_flush_segment", before="flush")
terms = [0]
original_term = whoosh3.W3FieldWriter.finish_term
def finish_term(self):
    terms[0] += 1
    if terms[0] % 500 == 0:
        mark("terms")
    return original_term(self)
whoosh3.W3FieldWriter.finish_term = finish_term
from search_index import postings_copy
copied_terms = [0]
original_copy_term = postings_copy._copy_term
def copy_term(*args, **kwargs):
    copied_terms[0] += 1
    if copied_terms[0] % 500 == 0:
        mark("merge-terms")
    return original_copy_term(*args, **kwargs)
postings_copy._copy_term = copy_term
wrap(W, "_assemble_segment", before="assemble")
wrap(compound, "copyfileobj", after="copied")
wrap(whoosh_index.TOC, "write", before="toc")
wrap(filestore.FileStorage, "rename_file", before="rename", after="renamed")
cleaning = [False]
original_clean = whoosh_index.clean_files
def clean_files(*args, **kwargs):
    mark("clean")
    cleaning[0] = True
    try:
        return original_clean(*args, **kwargs)
    finally:
        cleaning[0] = False
whoosh_index.clean_files = clean_files
original_delete = filestore.FileStorage.delete_file
def delete_file(self, name):
    result = original_delete(self, name)
    if cleaning[0]:
        mark("clean-delete")
    return result
filestore.FileStorage.delete_file = delete_file
wrap(W, "commit", after="committed")
wrap(W, "cancel", after="cancelled")

library, path = sys.argv[1], sys.argv[2]
if len(sys.argv) > 3:
    from search_index import Library, Paper
    from search_index.importing import parse_file
    _, records = parse_file(path)
    report = Library.open(library, seed=False).add(
        (r for r in records if isinstance(r, Paper)), batch_size=int(sys.argv[3]), lock_timeout=5
    )
    print(f"report: {report.added} {report.updated} {report.unchanged}", flush=True)
else:
    from tui.cli import main
    sys.exit(main(["--library", library, "import", path]))
"""

# Where a kill landed, named after the last step the importer announced before it.
PHASES = {
    None: "starting",
    "batch": "adding papers",
    "add": "adding papers",
    "merge": "merging segments",
    "merge-docs": "merging segments",
    "merge-terms": "merging segments",
    "merged": "between batches",
    "flush": "writing the new segment",
    "terms": "writing the new segment",
    "assemble": "assembling the segment file",
    "copied": "assembling the segment file",
    "toc": "writing the table of contents",
    "rename": "writing the table of contents",
    "renamed": "deleting replaced files",
    "clean": "deleting replaced files",
    "clean-delete": "deleting replaced files",
    "committed": "between batches",
    "cancelled": "between batches",
}
# "re-reading committed papers": a resumed import checking the batches it already stored.
COMMIT_PHASES = {
    "merging segments",
    "writing the new segment",
    "assembling the segment file",
    "writing the table of contents",
    "deleting replaced files",
}


class Importer:
    """One run of the import in a subprocess, its markers read as they come."""

    def __init__(
        self, library: Path, source: Path, *, batch: int | None = None, kill_at: str = ""
    ) -> None:
        env = dict(os.environ, PS_KILL_AT=kill_at, PYTHONUNBUFFERED="1")
        args = [str(library), str(source), *([str(batch)] if batch else [])]
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, *args], cwd=ROOT, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.markers: list[tuple[float, str]] = []
        self.output: list[str] = []
        self.errors = ""
        self._changed = threading.Condition()
        self._threads = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for t in self._threads:
            t.start()
        self.killed_at: float | None = None

    def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                if line.startswith("@"):
                    self.markers.append((time.monotonic(), line[1:].split()[0]))
                else:
                    self.output.append(line)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        self.errors = self.proc.stderr.read()

    def steps(self) -> list[str]:
        with self._changed:
            return [step for _, step in self.markers]

    def wait_for_step(self, step: str, count: int = 1, timeout: float = 120) -> bool:
        """True once `step` was announced `count` times; False if the run ended first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while sum(s == step for _, s in self.markers) < count:
                if self.proc.poll() is not None and not self._threads[0].is_alive():
                    return False
                if time.monotonic() > deadline:
                    raise AssertionError(f"the importer never reached {step!r}")
                self._changed.wait(0.05)
        return True

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.killed_at = time.monotonic()
            self.proc.send_signal(signal.SIGKILL)

    def finish(self, timeout: float = 300) -> int:
        try:
            code = self.proc.wait(timeout=timeout)
        finally:
            self.kill()
            self.proc.wait()
            for t in self._threads:
                t.join(timeout=10)
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream:
                    stream.close()
        return code

    def phase_at_kill(self, committed_before: int) -> str:
        """The phase the importer was in when it was killed (from the markers before it)."""
        when = self.killed_at if self.killed_at is not None else time.monotonic()
        steps = [step for t, step in self.markers if t <= when]
        last = steps[-1] if steps else None
        if last == "batch" and steps.count("batch") <= committed_before:
            return "re-reading committed papers"  # a resumed import skipping what it has
        merges = [step for step in steps if step in ("merge", "merged")]
        if merges and merges[-1] == "merge":
            return "merging segments"  # its own writer, table of contents and cleanup
        return PHASES[last]

    def __enter__(self) -> Importer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()
        self.finish(timeout=30)


def _names(directory: Path) -> set[str]:
    with os.scandir(directory) as entries:
        return {e.name for e in entries}


def poll_for_new(directory: Path, pattern: str, importer: Importer, timeout: float = 60) -> bool:
    """Kill the importer as soon as a file matching `pattern` appears that was not there."""
    regex = re.compile(pattern)
    before = _names(directory)
    deadline = time.monotonic() + timeout
    while importer.proc.poll() is None and time.monotonic() < deadline:
        try:
            names = _names(directory)
        except FileNotFoundError:
            names = set()
        if any(regex.search(n) for n in names if n not in before):
            importer.kill()
            return True
        time.sleep(0.0005)
    return False


@attrs.frozen
class Target:
    """Where to kill: in the import's `batch`-th batch (0-based), by `trigger`."""

    batch: int
    offset: float
    """For "time": seconds after the batch's writer started."""
    trigger: str


@attrs.define
class KillLog:
    """What the kill tests did, for the assertions and for docs/RELIABILITY.md."""

    kills: list[dict[str, object]] = attrs.Factory(list)
    passes: int = 0
    states: Counter[int] = attrs.Factory(Counter)

    def summary(self) -> str:
        phases = Counter(str(k["phase"]) for k in self.kills)
        kinds = Counter(str(k["trigger"]) for k in self.kills)
        return (
            f"{len(self.kills)} kills in {self.passes} imports run to the end; "
            f"by trigger {dict(kinds)}; by phase {dict(phases)}; "
            f"batches in the library after a kill {dict(sorted(self.states.items()))}"
        )


TRIGGERS = ["time", "time", "time", "segment", "toc", "flush"]


def kill_chain(
    tmp_path: Path,
    baseline: Path,
    papers: int,
    kills: int,
    *,
    per_import: int,
    triggers: list[str] | None = None,
    reference: bool = True,
) -> KillLog:
    """Kill `paperscope import` of `papers` generated papers again and again, check the library
    after every kill, run the same import again (it resumes), and kill that too, `per_import`
    times; then let it finish, check it, and start over from the baseline, until `kills` kills.

    The kill moments of one import are a sorted seeded sample over its whole run: a batch, and
    in it one of: "time" (a random moment after the batch's writer started: adding papers or
    any step of the commit), "segment" (as soon as a new segment file appears: assembling it,
    before the commit), "toc" (as soon as a new table of contents appears: the commit point
    and the cleanup after it), "flush" (a random moment after the segment's writing began).

    With `reference`, an uninterrupted import is run first: its batch times spread the "time"
    kills, and every resumed import must end in exactly its library, citation keys included.
    Without, batches are taken to last about a second, and the finished imports must agree.
    """
    rng = random.Random(SEED + papers + kills)
    source = Source.read(write_snapshot(tmp_path / "snapshot.json", papers))
    before = stored_records(baseline)
    batches = papers // BATCH
    seconds = [1.2] * batches  # how long each batch takes, about
    expected: dict[str, str] | None = None
    if reference:  # the uninterrupted import: how long its batches take, the library it makes
        uninterrupted = copy_library(baseline, tmp_path / "reference")
        with Importer(uninterrupted, source.path) as run:
            assert run.finish() == 0, run.errors
        starts = [t for t, step in run.markers if step == "batch"] + [time.monotonic()]
        seconds = [b - a for a, b in itertools.pairwise(starts)]
        assert len(seconds) == batches
        k, expected = check_batches(uninterrupted, before, source)
        assert k == batches
        check_tidy(uninterrupted)

    log = KillLog()
    library = tmp_path / "library"
    while len(log.kills) < kills:
        copy_library(baseline, library)
        wanted = min(per_import, kills - len(log.kills))
        targets = sorted(
            (
                Target(
                    b := rng.randrange(batches),
                    rng.uniform(0.0, seconds[b]),
                    triggers[(len(log.kills) + i) % len(triggers)]
                    if triggers
                    else rng.choice(TRIGGERS),
                )
                for i in range(wanted)
            ),
            key=lambda t: (t.batch, t.offset),
        )
        k_before = 0
        for target in [*targets, None]:
            with Importer(library, source.path) as run:
                if target is not None and run.wait_for_step("batch", target.batch + 1):
                    flushes = run.steps().count("flush")
                    if target.trigger == "time":
                        time.sleep(target.offset)
                        run.kill()
                    elif target.trigger == "segment":
                        poll_for_new(library, r"\.seg$", run)
                    elif target.trigger == "toc":
                        poll_for_new(library, r"\.toc", run)
                    elif run.wait_for_step("flush", flushes + 1):
                        time.sleep(rng.uniform(0.0, 0.3))
                        run.kill()
                code = run.finish()
            if run.killed_at is None:  # the run got to the end
                assert code == 0, run.errors
                kept = k_before * BATCH
                done = "".join(run.output)
                assert f"{papers - kept} added, 0 updated, {kept} unchanged" in done, done
                k, records = check_batches(library, before, source)
                assert k == batches
                if expected is None:
                    expected = records
                assert records == expected, "a resumed import differs from an uninterrupted one"
                check_tidy(library)
                break
            assert code == -signal.SIGKILL, (code, run.errors)
            k_after, _ = check_batches(library, before, source)
            assert k_after >= k_before, "a committed batch was lost"
            log.states[k_after] += 1
            log.kills.append({
                "trigger": target.trigger if target else "none",
                "batch": target.batch if target else None,
                "at": round(run.killed_at - run.started, 3),
                "phase": run.phase_at_kill(k_before),
                "batches_before": k_before, "batches_after": k_after,
            })  # fmt: skip
            k_before = k_after
        log.passes += 1
        if len(log.kills) >= kills:
            # The same import once more adds nothing: no duplicates.
            again = cli(library, "import", str(source.path)).stdout
            assert f"0 added, 0 updated, {papers} unchanged, 0 rejected" in again
            assert stored_records(library) == expected
        shutil.rmtree(library)
    return log


def test_an_import_killed_at_random_moments_loses_nothing(
    tmp_path: Path, baseline: Path, record_property: Callable[[str, object], None]
) -> None:
    """Five kills of a 4,000-paper import, one of each kind, always run (CI)."""
    log = kill_chain(
        tmp_path, baseline, 4_000, 5, per_import=5,
        triggers=["time", "segment", "flush", "toc", "time"], reference=False,
    )  # fmt: skip
    record_property("kills", log.summary())
    print(log.summary())
    assert len(log.kills) == 5
    assert COMMIT_PHASES & {str(k["phase"]) for k in log.kills}, log.summary()


@pytest.mark.slow
def test_an_import_killed_25_times_loses_nothing(
    tmp_path: Path, baseline: Path, record_property: Callable[[str, object], None]
) -> None:
    """The long version: a 12,000-paper import killed 30 times, six times in each of five
    imports, at seeded random moments of its whole run."""
    log = kill_chain(tmp_path, baseline, 12_000, 30, per_import=6)
    record_property("kills", log.summary())
    print(log.summary())
    for kill in log.kills:
        print(kill)
    assert len(log.kills) >= 25
    phases = {str(k["phase"]) for k in log.kills}
    assert "adding papers" in phases and COMMIT_PHASES & phases, log.summary()
    assert len(log.states) >= 4, "the kills did not spread over the import"


# Each step of a commit at which the importer kills itself, and how many of its batches must be
# in the library afterwards: exactly those whose table of contents was renamed into place.
COMMIT_STEPS = [
    "merge#1",  # the third batch committed: eight small segments, about to be merged
    "merge-docs#4",  # four of them copied into the merged segment, no postings written yet
    "merge-terms#2",  # their postings half copied, a block at a time
    "toc#4",  # the merged segment written, its table of contents not yet
    "renamed#4",  # the merge committed, the replaced segments' files still there
    "terms#2",  # in the middle of writing the postings of the first batch
    "copied#3",  # the compound segment file half assembled
    "rename#2",  # the new table of contents written, not yet renamed into place
    "renamed#2",  # renamed: the second batch is committed, the replaced files still there
    "clean-delete#2",  # half of the replaced files of the first commit deleted
    "committed#1",  # between the first and the second batch
]


@pytest.mark.parametrize("step", COMMIT_STEPS)
def test_an_import_killed_inside_a_commit_loses_nothing(
    tmp_path: Path, baseline: Path, step: str
) -> None:
    source = Source.read(write_snapshot(tmp_path / "snapshot.json", 600))
    before = stored_records(baseline)
    library = copy_library(baseline, tmp_path / "library")
    with Importer(library, source.path, batch=200, kill_at=step) as run:
        code = run.finish(timeout=120)
    assert code == -signal.SIGKILL, f"never reached {step}: {run.steps()} {run.errors}"
    name, n = step.split("#")
    assert run.steps()[-1] == name and run.steps().count(name) == int(n)
    k, _ = check_batches(library, before, source, batch=200)
    steps = run.steps()
    batch_steps = steps[: steps.index("merge")] if "merge" in steps else steps
    assert k == batch_steps.count("renamed"), "the commit point is not the table's rename"
    # The same import again completes it (adding exactly what was missing) and leaves no litter.
    with Importer(library, source.path, batch=200) as again:
        assert again.finish(timeout=120) == 0, again.errors
    assert again.output[-1].split() == ["report:", str(600 - 200 * k), "0", str(200 * k)]
    k, _ = check_batches(library, before, source, batch=200)
    assert k == 3
    check_tidy(library)


def test_a_library_left_half_created_opens(tmp_path: Path) -> None:
    """Killed while writing its very first file, a new library holds only `library.tmp`; the
    next start must treat it as new, not refuse it as someone else's directory."""
    path = tmp_path / "lib"
    path.mkdir()
    (path / "library.tmp").write_text('{\n  "schema_version": 1,\n  "for')
    assert Library.open(path, reference_date=REFERENCE_DATE).count() == SEED_PAPERS


# -- a full disk, a failing write ----------------------------------------------------------------


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _check_failed_write(
    library: Path, big: Path, small: Path, reason: str, **popen: object
) -> None:
    before = hashes(library)
    proc = cli(library, "import", str(big), ok=None, **popen)
    one_line_error(proc, str(library), reason)
    # The previous index is intact, searchable, and no scraps of the failed batch are left.
    assert hashes(library) == before
    found = cli(library, "search", "preference optimization").stdout
    assert found.startswith(f"6 of {SEED_PAPERS} papers match")
    stats = json.loads(cli(library, "stats", "--json").stdout)
    assert stats["papers"] == SEED_PAPERS
    # What still fits goes in, without anyone cleaning up first.
    assert "20 added" in cli(library, "import", str(small), **popen).stdout
    assert json.loads(cli(library, "stats", "--json").stdout)["papers"] == SEED_PAPERS + 20


def test_a_full_disk_fails_in_one_line_and_keeps_the_index(
    tmp_path: Path, tiny_filesystem: Path
) -> None:
    library = tiny_filesystem / "library"
    Library.open(library, reference_date=REFERENCE_DATE)  # about half of the 1 MiB
    big = write_snapshot(tmp_path / "big.json", 3_000)
    small = write_snapshot(tmp_path / "small.json", 20, start=50_000)
    _check_failed_write(library, big, small, "No space left on device")
    # A disk already full when the import starts: not even the lock's note of who holds it fits.
    fd = os.open(tiny_filesystem / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, bytes(4096))
    except OSError:
        pass
    finally:
        os.close(fd)
    before = hashes(library)
    proc = cli(library, "import", str(write_snapshot(tmp_path / "more.json", 5, 60_000)), ok=None)
    one_line_error(proc, str(library), "No space left on device", "nothing was imported")
    assert hashes(library) == before
    assert json.loads(cli(library, "stats", "--json").stdout)["papers"] == SEED_PAPERS + 20


def test_a_write_beyond_the_file_size_limit_fails_in_one_line(tmp_path: Path) -> None:
    """Where no tmpfs can be mounted, `ulimit -f` makes the writes fail just the same."""
    library = tmp_path / "library"
    Library.open(library, reference_date=REFERENCE_DATE)
    big = write_snapshot(tmp_path / "big.json", 3_000)
    small = write_snapshot(tmp_path / "small.json", 20, start=50_000)
    _check_failed_write(
        library, big, small, "File too large", preexec_fn=_file_size_limit(1_000_000)
    )


# -- damaged and foreign directories -------------------------------------------------------------


def _damage(library: Path, how: str) -> Path:
    toc = next(library.glob(f"_{INDEX_NAME}_*.toc"))
    segment = max(library.glob("*.seg"), key=lambda p: p.stat().st_size)
    if how == "garbage-toc":
        toc.write_bytes(random.Random(SEED).randbytes(toc.stat().st_size))
    elif how == "truncated-toc":
        toc.write_bytes(toc.read_bytes()[: toc.stat().st_size // 2])
    elif how == "truncated-segment":
        segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])
    elif how == "missing-segment":
        segment.unlink()
    elif how == "no-toc":
        toc.unlink()
    return library


@pytest.mark.parametrize(
    ("how", "said"),
    [
        ("garbage-toc", "damaged"),
        ("truncated-toc", "damaged"),
        ("truncated-segment", "damaged"),
        ("missing-segment", "No such file or directory"),
        ("no-toc", "damaged"),
        ("foreign-directory", "not a paperscope library"),
        ("foreign-library-json", "not a paperscope library file"),
        ("a-file", "is a file, not a directory"),
    ],
)
def test_a_damaged_or_foreign_library_is_refused_and_untouched(
    tmp_path: Path, baseline: Path, how: str, said: str
) -> None:
    if how == "foreign-directory":
        target = tmp_path / "thesis"
        target.mkdir()
        (target / "chapter1.tex").write_text("precious")
        (target / "figures").mkdir()
        (target / "figures" / "plot.pdf").write_bytes(os.urandom(2048))
    elif how == "foreign-library-json":
        target = tmp_path / "other-app"
        target.mkdir()
        (target / "library.json").write_text('{"name": "my music", "tracks": 1200}')
        (target / "tracks.db").write_bytes(os.urandom(4096))
    elif how == "a-file":
        target = tmp_path / "notes.txt"
        target.write_text("not a directory")
    else:
        target = _damage(copy_library(baseline, tmp_path / "library"), how)
    before = hashes(target)
    papers = write_snapshot(tmp_path / "papers.json", 5)
    for args in (["search", "merging"], ["import", str(papers)]):
        proc = cli(target, *args, ok=None)
        one_line_error(proc, str(target), said)
        assert proc.stdout == ""
    with warnings.catch_warnings():
        # Whoosh leaves the damaged file it was reading open when it fails; it is closed when
        # collected, which must not count as this test's failure.
        warnings.simplefilter("ignore", ResourceWarning)
        with pytest.raises(LibraryError, match=re.escape(said)):
            Library.open(target)
        gc.collect()
    assert hashes(target) == before, "a refused library was changed"


# -- readers while a writer works ----------------------------------------------------------------


@attrs.define
class Reader:
    """Queries the library again and again; every count seen, every error met."""

    name: str
    query: Callable[[], tuple[int, int]]
    """() -> (library size, hits of the import's word) from one consistent view."""
    seen: list[int] = attrs.Factory(list)
    errors: list[str] = attrs.Factory(list)
    stop: threading.Event = attrs.Factory(threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                size, hits = self.query()
            except Exception as exc:  # every failure is a finding: keep it for the assertion
                self.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            if hits != size - SEED_PAPERS:
                self.errors.append(f"{hits} hits of the import in a library of {size}")
            self.seen.append(size)
            time.sleep(0.01)  # a breath for the other threads of this process


def _nice() -> None:
    os.nice(10)


def _cli_reader(library: Path, i: int) -> Callable[[], tuple[int, int]]:
    def query() -> tuple[int, int]:
        # At a lower priority, so that four of them do not starve the import on a small machine.
        if i % 2:
            proc = cli(library, "search", WORD, "--limit", "1", ok=None, preexec_fn=_nice)
        else:
            proc = cli(library, "stats", "--json", ok=None, preexec_fn=_nice)
        if proc.returncode != 0 or proc.stderr:
            raise RuntimeError(f"exit {proc.returncode}: {proc.stderr.strip()}")
        if i % 2:
            m = re.match(r"(\d+) of (\d+) papers match", proc.stdout)
            assert m, proc.stdout
            return int(m.group(2)), int(m.group(1))
        papers = int(json.loads(proc.stdout)["papers"])
        return papers, papers - SEED_PAPERS

    return query


def _thread_reader(library: Library) -> Callable[[], tuple[int, int]]:
    service = SearchService(library)  # its own service; each query opens its own searcher

    def query() -> tuple[int, int]:
        found = service.search(WORD, limit=5, facets=True, highlight=True)
        for hit in found.hits:  # each hit is a whole, readable paper
            assert WORD in hit.paper.title.lower() and hit.paper.citation_key
        return found.library_size, found.total

    return query


def test_readers_see_whole_batches_while_an_import_runs(tmp_path: Path) -> None:
    """An import of 4,000 papers with 8 readers (4 `paperscope` processes, 4 threads) querying
    throughout; half-way the importer is frozen, a second writer waits its bounded 10 s and
    names the frozen one, and the readers carry on."""
    library = tmp_path / "library"
    long_lived = SearchService(Library.open(library, reference_date=REFERENCE_DATE))
    assert long_lived.stats().papers == SEED_PAPERS
    big = write_snapshot(tmp_path / "big.json", 4_000)
    other = write_snapshot(tmp_path / "other.json", 10, start=90_000)
    allowed = {SEED_PAPERS + k * BATCH for k in range(3)}
    shared = Library.open(library)
    readers = [Reader(f"cli-{i}", _cli_reader(library, i)) for i in range(4)] + [
        Reader(f"thread-{i}", _thread_reader(shared)) for i in range(4)
    ]
    threads = [threading.Thread(target=r.run, daemon=True) for r in readers]
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "tui"]
    importer = subprocess.Popen(
        [*command, "--library", str(library), "import", str(big)], cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for t in threads:
            t.start()
        # Freeze the importer once it holds the library and has committed a batch.
        deadline = time.monotonic() + 120
        while long_lived.library.count() == SEED_PAPERS:
            assert importer.poll() is None and time.monotonic() < deadline, "no batch committed"
            time.sleep(0.05)
        importer.send_signal(signal.SIGSTOP)
        at_freeze = {r.name: len(r.seen) for r in readers}
        try:
            started = time.monotonic()
            second = cli(library, "import", str(other), ok=None, timeout=60)
            waited = time.monotonic() - started
            one_line_error(second, str(library), f"pid {importer.pid}", "gave up after 10 s")
            assert "import" in second.stderr and 9.5 < waited < 20
            with pytest.raises(LibraryLocked, match=f"pid {importer.pid}"):
                Library.open(library).add([fetched_paper(99)], lock_timeout=0.5)
            frozen = {r.name: len(r.seen) for r in readers}
        finally:
            importer.send_signal(signal.SIGCONT)
        out, err = importer.communicate(timeout=300)
        assert importer.returncode == 0, err
        assert "4000 added" in out
    finally:
        for r in readers:
            r.stop.set()
        for t in threads:
            t.join(timeout=60)
        if importer.poll() is None:
            importer.send_signal(signal.SIGCONT)
            importer.kill()
            importer.communicate()
    for r in readers:
        assert not r.errors, f"{r.name}: {r.errors[:3]}"
        assert set(r.seen) <= allowed, f"{r.name} saw a partial batch: {sorted(set(r.seen))}"
        assert r.seen == sorted(r.seen), f"{r.name} saw the library go back in time"
        assert frozen[r.name] > at_freeze[r.name], f"{r.name} stalled behind the frozen writer"
    seen = set().union(*(set(r.seen) for r in readers))
    assert len(seen) >= 2, f"the readers saw a single state: {seen}"
    # Without a restart, the long-lived service sees everything; the second writer added nothing.
    assert long_lived.stats().papers == SEED_PAPERS + 4_000
    assert long_lived.search(WORD, limit=0).total == 4_000
    assert not long_lived.search('"earlier fetched paper"', limit=0).total
    assert cli(library, "show", "2403.03999").stdout.startswith("Kestrel study number 3999")


# -- a read-only library -------------------------------------------------------------------------


def test_a_read_only_library_reads_and_refuses_imports(
    other_user: OtherUser, baseline: Path
) -> None:
    """Made read-only with chmod -R a-w and used by `nobody` (root ignores permissions)."""
    library = copy_library(baseline, other_user.base / "library")
    papers = write_snapshot(other_user.base / "papers.json", 5)
    subprocess.run(["chmod", "-R", "a+rX,a-w", str(library), str(papers)], check=True)
    before = hashes(library)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            other_user.command("paperscope", "--library", str(library), *args),
            capture_output=True, text=True, timeout=60, check=False, cwd=other_user.home,
        )  # fmt: skip
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    found = run("search", "preference optimization")
    assert (found.returncode, found.stderr) == (0, "")
    assert found.stdout.startswith(f"6 of {SEED_PAPERS + 12} papers match")
    shown = run("show", "2312.00004")
    assert (shown.returncode, shown.stderr) == (0, "")
    assert shown.stdout.startswith("Earlier fetched paper 4 on model merging")
    cited = run("cite", "dang2024rlhf")
    assert (cited.returncode, cited.stderr, cited.stdout[:19]) == (0, "", "@misc{dang2024rlhf,")
    stats = run("stats", "--json")
    assert stats.returncode == 0 and json.loads(stats.stdout)["papers"] == SEED_PAPERS + 12
    refused = run("import", str(papers))
    one_line_error(refused, str(library), "read-only", "nothing was imported")
    assert refused.stdout == ""

    if shutil.which("tmux") is not None:
        socket = other_user.base / "tmux.sock"
        script = shlex.join(other_user.command(
            "paperscope", "--library", str(library), TERM="xterm-256color"))  # fmt: skip

        def tmux(*args: str) -> str:
            return subprocess.run(["tmux", "-S", str(socket), *args], capture_output=True,
                                  text=True, check=True, timeout=20).stdout  # fmt: skip

        tmux("-f", "/dev/null", "new-session", "-d", "-s", "ro", "-x", "80", "-y", "24", script)
        try:
            screen, deadline = "", time.monotonic() + 30
            while f"of {SEED_PAPERS + 12} papers" not in screen and time.monotonic() < deadline:
                time.sleep(0.2)
                screen = tmux("capture-pane", "-p", "-t", "ro")
            assert f"{SEED_PAPERS + 12} of {SEED_PAPERS + 12} papers" in screen, screen
            tmux("send-keys", "-t", "ro", "q")
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and subprocess.run(
                ["tmux", "-S", str(socket), "has-session", "-t", "ro"], capture_output=True,
                check=False,
            ).returncode == 0:  # fmt: skip
                time.sleep(0.1)
        finally:
            subprocess.run(["tmux", "-S", str(socket), "kill-server"], capture_output=True,
                           check=False)  # fmt: skip
    assert hashes(library) == before, "reading a read-only library changed it"


# -- the library API says the same ---------------------------------------------------------------


def test_a_reader_never_seeds_a_library_an_import_is_filling(tmp_path: Path) -> None:
    """A search started while the first import into a new library runs must neither wait for
    the import nor add the sample papers to a library its owner filled with an import."""
    library = tmp_path / "library"
    big = write_snapshot(tmp_path / "big.json", 2_500)
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "tui"]
    importer = subprocess.Popen(
        [*command, "--library", str(library), "import", str(big)], cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        # Wait until the import is inside its first batch (the writer's scratch directory
        # exists), holding the lock, with nothing committed yet.
        deadline = time.monotonic() + 60
        while not (library / f"{INDEX_NAME}.tmp").exists():
            assert importer.poll() is None and time.monotonic() < deadline
            time.sleep(0.005)
        started = time.monotonic()
        found = cli(library, "search", WORD)
        assert time.monotonic() - started < 5, "a reader waited for the writer"
        assert re.match(r"\d+ of (0|2000) papers match", found.stdout), found.stdout
        _out, err = importer.communicate(timeout=120)
        assert importer.returncode == 0, err
    finally:
        if importer.poll() is None:
            importer.kill()
            importer.communicate()
    assert json.loads(cli(library, "stats", "--json").stdout)["papers"] == 2_500
