"""Pure conversions between `Paper` and what Whoosh stores, and the JSON shape of the CLI."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs

from search_index.merging import match_key
from search_index.models import Paper, Source
from search_index.schema import SPELL_FIELD, spell_words


def paper_to_json_dict(paper: Paper) -> dict[str, Any]:
    """Attribute names as keys, ISO 8601 dates, lists for tuples: the `--json` contract."""
    data: dict[str, Any] = {}
    for field in attrs.fields(Paper):
        value = getattr(paper, field.name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Source):
            value = str(value)
        data[field.name] = value
    return data


def paper_to_record(paper: Paper) -> str:
    data = paper_to_json_dict(paper)
    if paper.source is not None:
        data["source"] = {
            "path": paper.source.path,
            "line": paper.source.line,
            "record": paper.source.record,
        }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def paper_from_record(record: str) -> Paper:
    """Rebuild a Paper from a stored record, tolerating fields that older records lack."""
    data = json.loads(record)
    known = {f.name for f in attrs.fields(Paper)}
    kwargs = {k: v for k, v in data.items() if k in known}
    for name in ("authors", "categories", "code_urls", "links"):
        kwargs[name] = tuple(kwargs.get(name) or ())
    kwargs["published"] = _date(kwargs["published"])
    kwargs["updated"] = _date(kwargs.get("updated"))
    source = kwargs.get("source")
    if isinstance(source, dict):
        kwargs["source"] = Source(source["path"], source.get("line"), source.get("record"))
    elif isinstance(source, str):
        kwargs["source"] = Source(source)
    return Paper(**kwargs)


def same_content(a: Paper, b: Paper) -> bool:
    """Equal but for where the record came from and the key the library gave it."""
    return attrs.evolve(a, source=None, citation_key=None) == attrs.evolve(
        b, source=None, citation_key=None
    )


def paper_to_document(paper: Paper, spelled: set[str] | None = None) -> dict[str, Any]:
    """The fields Whoosh indexes. `spelled` holds the words already given to the spelling fields
    in this batch (see `schema.spell_words`); a fresh set gives them all."""
    if spelled is None:
        spelled = set()
    return {
        "id": paper.id,
        "citekey": paper.citation_key or "",
        "match": match_key(paper),
        "title": paper.title,
        "abstract": paper.abstract,
        SPELL_FIELD: spell_words(f"{paper.title} {paper.abstract}", spelled),
        "authors": "\n".join(paper.authors),
        "categories": ",".join(paper.categories),
        "category_list": ",".join(paper.categories).encode(),
        "published": paper.published.toordinal(),
        "year": paper.published.year,
        "has_code": paper.has_code or bool(paper.code_urls),
        "record": paper_to_record(paper),
    }
