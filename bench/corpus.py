"""Realistic arXiv-style JSON lines at any size, deterministic, shaped by the real samples.

Word frequencies, title and abstract lengths, authors per paper and the category mix come from
the arXiv metadata samples in ../shared/data when they are there (a small built-in profile
otherwise), so that index sizes, posting lengths and query selectivity resemble arXiv's.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
import re
from collections import Counter
from pathlib import Path

import attrs

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
_WORD = re.compile(r"[a-z][a-z-]{2,}")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@attrs.frozen
class Profile:
    words: tuple[str, ...]
    weights: tuple[int, ...]
    title_lengths: tuple[int, ...]
    abstract_lengths: tuple[int, ...]
    authors_per_paper: tuple[int, ...]
    categories: tuple[str, ...]
    category_weights: tuple[int, ...]


def profile_from_samples() -> Profile:
    files = sorted(SHARED.glob("kaggle_jsonl_*/*.json*"))
    files = [f for f in files if f.suffix in (".json", ".jsonl")]
    words: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    titles, abstracts, authors = [], [], []
    for path in files:
        for line in path.read_text("utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            title, abstract = str(record.get("title", "")), str(record.get("abstract", ""))
            title_words, abstract_words = (
                _WORD.findall(title.lower()),
                _WORD.findall(abstract.lower()),
            )
            words.update(title_words + abstract_words)
            titles.append(max(2, len(title.split())))
            abstracts.append(max(10, len(abstract.split())))
            authors.append(max(1, len(record.get("authors_parsed") or [[""]])))
            categories.update(str(record.get("categories", "cs.LG")).split()[:1])
    if len(words) < 500:
        return _builtin_profile()
    common = words.most_common(20000)
    top = categories.most_common(40)
    return Profile(
        words=tuple(w for w, _ in common),
        weights=tuple(n for _, n in common),
        title_lengths=tuple(titles),
        abstract_lengths=tuple(abstracts),
        authors_per_paper=tuple(authors),
        categories=tuple(c for c, _ in top),
        category_weights=tuple(n for _, n in top),
    )


def _builtin_profile() -> Profile:
    vocabulary = [
        "model",
        "learning",
        "neural",
        "network",
        "data",
        "results",
        "method",
        "quantum",
        "field",
        "theory",
        "energy",
        "algorithm",
        "graph",
        "language",
        "training",
        "optimization",
        "preference",
        "alignment",
        "merging",
        "quantization",
        "retrieval",
        "diffusion",
        "robust",
        "scaling",
        "attention",
        "transformer",
        "spectrum",
    ]
    return Profile(
        words=tuple(vocabulary),
        weights=tuple(range(len(vocabulary), 0, -1)),
        title_lengths=(6, 8, 10, 12),
        abstract_lengths=(100, 150, 200),
        authors_per_paper=(1, 2, 3, 4, 6),
        categories=("cs.LG", "cs.CL", "hep-th", "math.CO", "quant-ph", "astro-ph.GA"),
        category_weights=(30, 20, 15, 10, 10, 5),
    )


_SURNAMES = [
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Smith",
    "Kumar",
    "Müller",
    "García",
    "Ahmadian",
    "Üstün",
    "Rossi",
    "Kim",
    "Nguyen",
    "Silva",
    "Ivanov",
    "Cohen",
    "Tanaka",
    "Dubois",
    "Novak",
    "Jensen",
    "O'Brien",
    "Schmidt",
    "Costa",
    "Khan",
    "Ali",
    "Park",
    "Lee",
    "Gallé",
]
_GIVEN = [
    "Arash",
    "Ana",
    "Bo",
    "Chen",
    "David",
    "Elena",
    "Farid",
    "Hana",
    "Ivan",
    "Jun",
    "Kai",
    "Lena",
    "Maria",
    "Omar",
    "Priya",
    "Rui",
]


def generate(path: Path, count: int, seed: int = 20261126) -> Path:
    """Write `count` JSON lines; published dates spread over 1991–2026."""
    profile = profile_from_samples()
    rng = random.Random(seed)
    cumulative = list(itertools.accumulate(profile.weights))
    category_cumulative = list(itertools.accumulate(profile.category_weights))

    def words(n: int) -> list[str]:
        total = cumulative[-1]
        return [profile.words[bisect.bisect(cumulative, rng.random() * total)] for _ in range(n)]

    def category() -> str:
        total = category_cumulative[-1]
        return profile.categories[bisect.bisect(category_cumulative, rng.random() * total)]

    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            year = 1991 + int((rng.random() ** 0.5) * 35.99)  # more papers in later years
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            authors = [
                [rng.choice(_SURNAMES), rng.choice(_GIVEN), ""]
                for _ in range(rng.choice(profile.authors_per_paper))
            ]
            cats = [category()] + ([category()] if rng.random() < 0.4 else [])
            created = f"Mon, {day} {_MONTHS[month - 1]} {year} 12:00:00 GMT"
            code = rng.random() < 0.1
            record = {
                # Unique up to nine million papers; the shape of a new-style arXiv id.
                "id": f"{1000 + i // 100000:04d}.{i % 100000:05d}",
                "title": " ".join(words(rng.choice(profile.title_lengths))).capitalize(),
                "abstract": " ".join(words(rng.choice(profile.abstract_lengths))) + ".",
                "authors": ", ".join(f"{g} {f}" for f, g, _ in authors),
                "authors_parsed": authors,
                "categories": " ".join(dict.fromkeys(cats)),
                "versions": [{"version": "v1", "created": created}],
                "update_date": f"{year}-{month:02d}-{day:02d}",
                "comments": "Code is available at https://github.com/example/repo"
                if code
                else None,
            }
            out.write(json.dumps(record) + "\n")
    return path


def queries(count: int = 40, seed: int = 7) -> list[str]:
    """1–3 word queries drawn from the frequent but not stop-word-like part of the vocabulary."""
    profile = profile_from_samples()
    rng = random.Random(seed)
    pool = list(profile.words[50:2000])
    return [" ".join(rng.sample(pool, rng.choice((1, 1, 2, 2, 3)))) for _ in range(count)]
