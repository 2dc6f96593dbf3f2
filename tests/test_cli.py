"""The command-line contract, through the installed `paperscope` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_listing

SCRIPT = Path(sys.executable).parent / "paperscope"


def run(tmp_path: Path, *args: str, ok: int | None = 0) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PAPERSCOPE_HOME"] = str(tmp_path / "library")
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "tui"]
    proc = subprocess.run(
        [*command, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    if ok is not None:
        assert proc.returncode == ok, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def test_search_finds_the_right_seed_papers_ranked(tmp_path: Path) -> None:
    out = run(tmp_path, "search", "preference optimization", "--limit", "2").stdout
    assert out.startswith("6 of 19 papers match; showing 2")
    lines = out.splitlines()
    titles = [line[4:] for line in lines if line[:4] in (" 1. ", " 2. ")]
    assert titles[0] == "Self-Improving Robust Preference Optimization"
    assert titles[1].startswith("RLHF Can Speak Many Languages")
    assert all(len(line) <= 80 for line in lines)


def test_search_json_has_paper_fields_iso_dates_and_score(tmp_path: Path) -> None:
    out = run(tmp_path, "search", "merging", "--json", "--sort", "newest").stdout
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 6
    assert records[0]["title"].startswith("SimMerge")
    assert records[0]["published"] == "2026-01-14" or records[0]["published"].startswith("20")
    dates = [r["published"] for r in records]
    assert dates == sorted(dates, reverse=True)
    assert {"id", "title", "authors", "et_al", "categories", "abstract", "score"} <= set(records[0])
    assert isinstance(records[0]["authors"], list)


def test_search_filters(tmp_path: Path) -> None:
    def ids(*args: str) -> list[str]:
        out = run(tmp_path, "search", "", "--json", "--limit", "50", *args).stdout
        return [json.loads(line)["id"] for line in out.splitlines()]

    assert len(ids("--category", "AI")) == 1
    assert len(ids("--category", "cs.AI", "--category", "CL")) == 9
    assert len(ids("--since", "2025")) == 5
    assert len(ids("--since", "2023", "--until", "2023")) == 3
    assert len(ids("--has-code")) == 2


def test_show_and_cite(tmp_path: Path) -> None:
    shown = run(tmp_path, "show", "ahmadian2024back").stdout
    assert shown.splitlines()[0].startswith("Back to Basics: Revisiting REINFORCE")
    assert "Matthias Gallé" in shown and all(len(line) <= 80 for line in shown.splitlines())
    record = json.loads(run(tmp_path, "show", "ahmadian2024back", "--json").stdout)
    assert record["published"] == "2024-02-22" and record["citation_key"] == "ahmadian2024back"
    bibtex = run(tmp_path, "cite", "ahmadian2024back", "dang2024rlhf").stdout
    assert bibtex.count("@misc{") == 2
    assert "author = {Arash Ahmadian and Chris Cremer and Matthias Gallé and others}" in bibtex
    assert "title  = {Back to Basics: Revisiting {REINFORCE} Style" in bibtex
    assert (
        run(tmp_path, "cite", "ahmadian2024back", "--style", "key").stdout == "ahmadian2024back\n"
    )
    plain = run(tmp_path, "cite", record["id"], "--style", "plain").stdout
    assert plain.startswith("Arash Ahmadian, Chris Cremer, Matthias Gallé et al. (2024). Back to")


def test_stats(tmp_path: Path) -> None:
    stats = json.loads(run(tmp_path, "stats", "--json").stdout)
    assert stats["papers"] == 19 and stats["with_code"] == 2
    assert stats["categories"] == {"cs.LG": 10, "cs.CL": 8, "cs.AI": 1}


def test_import_exit_codes_and_messages(tmp_path: Path, seed_listing: Path) -> None:
    # An import into a new library brings only what it imports: no seed papers.
    out = run(tmp_path, "import", str(seed_listing), "--reference-date", "2026-11-26").stdout
    assert out.startswith(f"{seed_listing} (listing): 19 added, 0 updated, 0 unchanged, 0 rejected")
    again = run(tmp_path, "import", str(seed_listing), "--reference-date", "2026-11-26").stdout
    assert "0 added, 0 updated, 19 unchanged, 0 rejected" in again
    bad = write_listing(
        tmp_path / "bad.txt",
        [("LGJun 3, 2024", "A New PaperAnn Lee", "Text."), ("LGFeb 30, 2024", "BadBo Li", "T.")],
    )
    proc = run(tmp_path, "import", str(bad), ok=1)
    assert proc.stderr.strip() == f"{bad}:4: impossible date Feb 30, 2024"
    assert "1 added" in proc.stdout
    assert "1 rejected (1 × impossible date Feb …, …)" in proc.stdout
    assert json.loads(run(tmp_path, "stats", "--json").stdout)["papers"] == 20


def test_import_prints_file_names_and_reasons_without_control_characters(tmp_path: Path) -> None:
    bad = write_listing(
        tmp_path / "evil\x1b]0;retitled\x07.txt",
        [("LGJun 3, 2024", "A New PaperAnn Lee", "Text."), ("LGFeb 30, 2024", "BadBo Li", "T.")],
    )
    proc = run(tmp_path, "import", str(bad), ok=1)
    shown = tmp_path / "evil.txt"  # the sequence removed whole
    assert proc.stderr == f"{shown}:4: impossible date Feb 30, 2024\n"
    assert proc.stdout.startswith(f"{shown} (listing): 1 added, 0 updated, 0 unchanged, 1 rejected")
    assert "\x1b" not in proc.stdout + proc.stderr and "\x07" not in proc.stdout + proc.stderr


def test_a_reader_never_seeds_a_library_that_an_import_has_created(tmp_path: Path) -> None:
    """What `paperscope import` does, with `paperscope search` or the explorer opening the new
    library between its two steps (the write lock is released in between): the imported library
    got the 19 sample papers too. Deterministic here; a race between processes otherwise."""
    import datetime as dt

    from search_index import Library, Paper

    importing = Library.open(tmp_path / "library", seed=False)  # `import`: open, lock released
    Library.open(tmp_path / "library")  # a reader: the library is new and still empty
    importing.add(
        [
            Paper(
                id="2401.00001",
                title="Imported",
                authors=("Ann Lee",),
                published=dt.date(2024, 1, 1),
            )
        ]
    )
    assert importing.count() == 1


def test_the_explorer_reports_an_unusable_library_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    not_a_directory = tmp_path / "library"
    not_a_directory.write_text("a file")
    assert main(["--library", str(not_a_directory)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"paperscope: the library path {not_a_directory} is a file, not a directory\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("import", "/nonexistent/file.txt"), "/nonexistent/file.txt: no such file"),
        (("search", "x", "--category", "XX"), "unknown arXiv category 'XX'"),
        (("search", "x", "--since", "2024-02-30"), "is not a day of February 2024"),
        (("show", "nope"), "no paper with id or citation key 'nope'"),
        (("frobnicate",), "invalid choice"),
    ],
)
def test_usage_errors_are_one_line_with_status_2(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    proc = run(tmp_path, *args, ok=2)
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_unknown_format_is_a_clear_error(tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("just some notes\n")
    proc = run(tmp_path, "import", str(odd), ok=2)
    assert "cannot tell its format" in proc.stderr


def test_parse_prints_records_and_leaves_the_index_alone(
    tmp_path: Path, seed_listing: Path
) -> None:
    out = run(tmp_path, "parse", str(seed_listing), "--json", "--reference-date", "2026-11-26")
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(records) == 19 and records[3]["published"] == "2026-01-14"
    assert "as listing" in out.stderr
    assert not (tmp_path / "library").exists()


@pytest.mark.parametrize("command", ["import", "parse", "search", "show", "cite", "stats"])
def test_every_command_has_help(tmp_path: Path, command: str) -> None:
    assert "usage: paperscope " + command in run(tmp_path, command, "--help").stdout


def test_a_foreign_library_directory_is_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "data.csv").write_text("keep me")
    proc = run(tmp_path, "--library", str(foreign), "stats", ok=2)
    assert "not a paperscope library" in proc.stderr
    assert (foreign / "data.csv").read_text() == "keep me"


def test_ctrl_c_during_an_import_keeps_what_was_committed(tmp_path: Path) -> None:
    import signal
    import time

    from search_index import Library

    entries = [
        (f"LGJun {1 + i % 28}, 2024", f"Study number {i} of scalingAnn Lee, Bo Li", "Text.")
        for i in range(40_000)
    ]
    big = write_listing(tmp_path / "big.txt", entries)
    env = dict(os.environ, PAPERSCOPE_HOME=str(tmp_path / "library"))
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "tui"]
    proc = subprocess.Popen(
        [*command, "import", str(big)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    count = 0
    while time.monotonic() < deadline and count == 0 and proc.poll() is None:
        time.sleep(0.2)
        if (tmp_path / "library" / "library.json").exists():
            try:
                count = Library.open(tmp_path / "library", seed=False).count()
            except Exception:
                count = 0
    assert count > 0, "no batch was committed before the deadline"
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "are kept" in err and "Traceback" not in err
    kept = Library.open(tmp_path / "library", seed=False).count()
    assert count <= kept < 40_000
    assert kept % 2000 == 0  # whole batches only


def test_fetch_from_a_local_arxiv_api(tmp_path: Path, shared: Path) -> None:
    """The recorded API answers, served on 127.0.0.1: the command never leaves the machine."""
    import http.server
    import threading

    feeds = shared / "data" / "arxiv_api_atom_arxivpy" / "current_2026"
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            if "id_list=abc" in self.path:
                body, status = next(feeds.glob("id_abc_*.xml")).read_bytes(), 400
            elif "id_list=2104.12255" in self.path:
                body, status = next(feeds.glob("id_2104.12255v1_*.xml")).read_bytes(), 200
            else:
                body, status = next(feeds.glob("id_0000.0000_*.xml")).read_bytes(), 200
            self.send_response(status)
            self.send_header("Content-Type", "application/atom+xml")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}/api/query"
    try:
        out = run(tmp_path, "fetch", "--id", "2104.12255v1", "--endpoint", endpoint)
        assert "arXiv: 1 added" in out.stdout
        shown = json.loads(run(tmp_path, "show", "2104.12255", "--json").stdout)
        assert shown["id"] == "2104.12255"
        again = run(tmp_path, "fetch", "--id", "2104.12255", "--endpoint", endpoint)
        assert "0 added" in again.stdout
        empty = run(tmp_path, "fetch", "--query", "nothing", "--endpoint", endpoint)
        assert "0 added" in empty.stdout
        bad = run(tmp_path, "fetch", "--id", "abc", "--endpoint", endpoint, ok=2)
        assert "incorrect id format for abc" in bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1
        assert run(tmp_path, "fetch", ok=2).stderr.strip().endswith("fetch needs --query or --id")
    finally:
        server.shutdown()
        server.server_close()
    assert all(r.startswith("/api/query?") for r in requests)


def test_fetch_when_the_network_is_unreachable(tmp_path: Path) -> None:
    proc = run(
        tmp_path, "fetch", "--id", "2104.12255", "--endpoint", "http://127.0.0.1:9/api", ok=2
    )
    assert proc.stderr.startswith("paperscope: cannot reach")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_cite_in_csl_and_exchange_styles(tmp_path: Path) -> None:
    apa = run(tmp_path, "cite", "ahmadian2024back", "--style", "apa").stdout
    assert apa.startswith("Ahmadian, A., Cremer, C., Gallé, M., et al. (2024). Back to Basics")
    ris = run(tmp_path, "cite", "ahmadian2024back", "dang2024rlhf", "--style", "ris").stdout
    assert ris.count("TY  - ") == 2 and ris.count("ER  - ") == 2
    proc = run(tmp_path, "cite", "ahmadian2024back", "--style", "chicgo", ok=2)
    assert "Did you mean: chicago" in proc.stderr


def test_export_streams_a_search_or_the_whole_library(tmp_path: Path) -> None:
    items = json.loads(run(tmp_path, "export", "merging", "--style", "csl-json").stdout)
    assert len(items) == 6 and all("title" in item for item in items)
    target = tmp_path / "all.bib"
    proc = run(tmp_path, "export", "--style", "bibtex", "-o", str(target))
    assert "19 citations" in proc.stderr
    assert target.read_text().count("\n@") + 1 == 19
    only_ai = run(tmp_path, "export", "--category", "AI", "--style", "key").stdout
    assert only_ai.split() == ["cook2025programming"]
    bad = run(tmp_path, "export", "-o", str(tmp_path / "no" / "dir" / "x.bib"), ok=2)
    assert "cannot write" in bad.stderr
