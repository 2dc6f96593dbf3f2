"""Merging segments: a library written in many small batches answers exactly like one written
at once, replaced papers disappear for good, and the number of segments stays bounded."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import attrs
import pytest
from whoosh import index as whoosh_index

from search_index import Filters, Library, Paper, SearchService, Sort, segments
from search_index.importing import parse_file
from search_index.schema import INDEX_NAME

SPIDER = "data/kaggle_jsonl_wanng-ide_arxivSpider/arxiv-metadata-oai-snapshot.head200.json"


@pytest.fixture
def papers(shared: Path) -> list[Paper]:
    _, records = parse_file(shared / SPIDER, "arxiv-json")
    found = [r for r in records if isinstance(r, Paper)]
    assert len(found) == 200
    return found


def _segment_sizes(library: Library) -> list[int]:
    ix = whoosh_index.open_dir(str(library.path), indexname=INDEX_NAME)
    return sorted(s.doc_count_all() for s in ix._segments())


def _answers(service: SearchService) -> list[object]:
    """What a user sees for a spread of searches: ids in order, totals, facets, suggestions."""
    out: list[object] = []
    searches: list[tuple[str, dict[str, object]]] = [
        ("", {"sort": Sort.NEWEST}),
        ("", {"sort": Sort.OLDEST}),
        ("quantum", {}),
        ("model", {"sort": Sort.NEWEST}),
        ("field", {"filters": Filters(categories=("hep-th",))}),
        ("", {"filters": Filters(since=dt.date(2007, 4, 1), until=dt.date(2007, 4, 3))}),
        ("theor*", {}),
        ("quantm", {}),
        ("au:smith", {}),
    ]
    for text, options in searches:
        results = service.search(text, limit=300, facets=True, **options)  # type: ignore[arg-type]
        # Ties (equal scores, equal dates) may break differently across segments; which papers,
        # how many, and the order of dates may not.
        out.append((text, results.total, sorted(h.paper.id for h in results.hits)))
        if "sort" in options:
            out.append([h.paper.published for h in results.hits])
        out.append((results.facets, results.suggestion))
    return out


def test_many_small_batches_answer_like_one(tmp_path: Path, papers: list[Paper]) -> None:
    at_once = Library.open(tmp_path / "once", seed=False)
    at_once.add(papers)
    batched = Library.open(tmp_path / "batched", seed=False)
    batched.add(papers, batch_size=5)  # 40 commits
    sizes = _segment_sizes(batched)
    # Merged as it went: far fewer segments than commits, and fewer than a full tier.
    assert len(sizes) < segments.FACTOR, sizes
    assert sum(sizes) == 200
    assert _answers(SearchService(batched)) == _answers(SearchService(at_once))
    assert {p.id: p.title for p in papers} == {
        h.paper.id: h.paper.title for h in SearchService(batched).search("", limit=300).hits
    }


def test_replaced_papers_leave_with_the_merge(tmp_path: Path, papers: list[Paper]) -> None:
    library = Library.open(tmp_path / "lib", seed=False)
    library.add(papers[:100], batch_size=25)
    renamed = [attrs.evolve(p, title=f"Renamed {p.title}") for p in papers[:100]]
    # Replacing every paper marks all of the old segments' documents deleted; a segment with
    # too many of them is rewritten without them.
    for start in range(0, 100, 10):
        library.add(renamed[start : start + 10], batch_size=10)
    ix = whoosh_index.open_dir(str(library.path), indexname=INDEX_NAME)
    kept = list(ix._segments())
    assert sum(s.doc_count() for s in kept) == 100
    assert sum(s.doc_count_all() for s in kept) < 100 * (1 + segments.DELETED_SHARE)
    for segment in kept:
        assert segment.deleted_count() < segments.DELETED_SHARE * segment.doc_count_all()
    service = SearchService(library)
    assert service.search("").total == 100
    titles = {h.paper.title for h in service.search("", limit=300).hits}
    assert titles == {p.title for p in renamed}


def test_a_word_spelled_once_per_batch_still_widens_and_suggests(tmp_path: Path) -> None:
    """The spelling field holds a word once per batch: every paper with it must still be found
    by a wildcard, and a misspelling still corrected, whichever paper carries the word."""
    library = Library.open(tmp_path / "lib", seed=False)
    library.add(
        Paper(
            id=f"2401.{i:05d}",
            title=f"Optimizing transformers part {i}",
            authors=("Ann Lee",),
            published=dt.date(2024, 1, 1 + i),
            abstract="We study quantization.",
            categories=("cs.LG",),
        )
        for i in range(6)
    )
    service = SearchService(library)
    assert service.search("optimiz*").total == 6
    assert service.search("abs:quantiz*").total == 6
    assert service.search("quantizaton").suggestion == "quantization"


def test_the_tiers(tmp_path: Path, papers: list[Paper]) -> None:
    library = Library.open(tmp_path / "lib", seed=False)
    for start in range(7):
        library.add(papers[start : start + 1])
    assert len(_segment_sizes(library)) == 7  # not yet a full tier
    library.add(papers[7:8])
    assert _segment_sizes(library) == [8]  # the eighth commit merges the tier


def _index_contents(path: Path) -> tuple[object, ...]:
    """Everything a merged segment holds: every term's statistics and postings (document,
    weight, positions) and where skipping lands in them, field lengths and stored records."""
    ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME)
    with ix.reader() as reader:
        terms = []
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            m = reader.postings(fieldname, text)
            postings = []
            while m.is_active():
                postings.append((m.id(), m.weight(), m.value()))
                m.next()
            stats = (
                info.doc_frequency(),
                round(info.weight(), 3),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
                info.min_id(),
                info.max_id(),
            )
            # Skipping ahead reads each block's last document from its header: where a
            # search that skips lands, for terms spread over several blocks.
            landings = []
            if len(postings) > 20:
                for target in range(0, reader.doc_count_all(), 5):
                    m = reader.postings(fieldname, text)
                    m.skip_to(target)
                    landings.append(m.id() if m.is_active() else None)
            terms.append((fieldname, text, stats, postings, landings))
        lengths = [
            [reader.doc_field_length(d, f) for f in ("title", "abstract", "authors")]
            for d in range(reader.doc_count_all())
        ]
        stored = [reader.stored_fields(d) for d in range(reader.doc_count_all())]
        return (reader.doc_count_all(), len(list(ix._segments())), terms, lengths, stored)


def _merged_both_ways(tmp_path: Path, library: Library) -> tuple[Path, Path]:
    copies = []
    for by_block in (True, False):
        copy = tmp_path / f"by_block_{by_block}"
        shutil.copytree(library.path, copy)
        ix = whoosh_index.open_dir(str(copy), indexname=INDEX_NAME)
        segments.merge(ix, list(ix._segments()), 64, by_block=by_block)
        copies.append(copy)
    return copies[0], copies[1]


def test_blocks_copied_hold_what_postings_merged_one_by_one_hold(
    tmp_path: Path, papers: list[Paper]
) -> None:
    """The block copy renumbers documents inside Whoosh's encoded blocks; the merge it replaced
    decoded every posting. Both must leave the same index, term by term and posting by posting."""
    library = Library.open(tmp_path / "lib", seed=False)
    library.add(papers[:140], batch_size=20)  # seven segments: one short of a merge
    assert len(_segment_sizes(library)) == 7
    by_block, one_by_one = _merged_both_ways(tmp_path, library)
    contents = _index_contents(by_block)
    assert contents[:2] == (140, 1)
    assert sum(len(postings) for *_, postings, _ in contents[2]) > 10_000
    assert contents == _index_contents(one_by_one)
    assert _answers(SearchService(Library.open(by_block, seed=False))) == _answers(
        SearchService(library)
    )
    # Short blocks are joined as Whoosh would write them: copied as they were, each segment's
    # last block of every word stayed a block of its own, and the postings grew by a third.
    assert _postings_bytes(by_block) <= 1.01 * _postings_bytes(one_by_one)


def _postings_bytes(path: Path) -> int:
    ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME)
    (segment,) = list(ix._segments())
    compound = segment.open_compound_file(ix.storage)
    size = compound.file_length(segment.make_filename(".pst"))
    compound.close()
    return int(size)
