"""paperscope's library half: papers in a Whoosh index, searched and cited without any UI.

This module is the public API: the interface imports from here and nowhere deeper, and nothing
here imports textual, rich or pyperclip.
"""

from search_index.categories import category_name, normalize_category
from search_index.citations import (
    Style,
    UnknownStyle,
    available_styles,
    cite,
    cite_many,
    export_extension,
    featured_styles,
    resolve_style,
    style_label,
)
from search_index.csl import CitationError
from search_index.documents import paper_to_json_dict
from search_index.errors import (
    FormatError,
    LibraryError,
    LibraryLocked,
    NotFound,
    PaperscopeError,
)
from search_index.fetch import DEFAULT_ENDPOINT, FetchError, FetchPage, fetch, fetch_into
from search_index.importing import (
    FORMATS,
    detect_format,
    estimate_records,
    import_file,
    parse_file,
)
from search_index.library import Library
from search_index.models import (
    Facets,
    Filters,
    ImportReport,
    LibraryStats,
    Paper,
    ParseError,
    SearchHit,
    SearchResults,
    Sort,
    Source,
    Span,
)
from search_index.paths import default_library_dir
from search_index.searcher import SearchService
from search_index.text import one_line, strip_controls

__all__ = [
    "DEFAULT_ENDPOINT",
    "FORMATS",
    "CitationError",
    "Facets",
    "FetchError",
    "FetchPage",
    "Filters",
    "FormatError",
    "ImportReport",
    "Library",
    "LibraryError",
    "LibraryLocked",
    "LibraryStats",
    "NotFound",
    "Paper",
    "PaperscopeError",
    "ParseError",
    "SearchHit",
    "SearchResults",
    "SearchService",
    "Sort",
    "Source",
    "Span",
    "Style",
    "UnknownStyle",
    "available_styles",
    "category_name",
    "cite",
    "cite_many",
    "default_library_dir",
    "detect_format",
    "estimate_records",
    "export_extension",
    "featured_styles",
    "fetch",
    "fetch_into",
    "import_file",
    "normalize_category",
    "one_line",
    "paper_to_json_dict",
    "parse_file",
    "resolve_style",
    "strip_controls",
    "style_label",
]
