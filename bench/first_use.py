"""First use: how long a new library takes to index the embedded listing, and to answer.

Prints figures; asserts nothing. Run: python bench/first_use.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from search_index import Library, SearchService

QUERIES = ("preference optimization", "merging", "author:ahmadian", "quantiz*", "cat:cs.CL")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    opens: list[float] = []
    searches: list[float] = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            library = Library.open(Path(tmp) / "library")
            opens.append(time.perf_counter() - started)
            service = SearchService(library)
            for query in QUERIES:
                started = time.perf_counter()
                service.search(query)
                searches.append(time.perf_counter() - started)
    print(f"{'measure':<40}{'median ms':>10}{'max ms':>10}")
    for label, values in (
        ("new library + embedded listing indexed", opens),
        ("search with facets and highlights", searches),
    ):
        median, worst = statistics.median(values) * 1000, max(values) * 1000
        print(f"{label:<40}{median:>10.1f}{worst:>10.1f}")


if __name__ == "__main__":
    main()
