"""The arXiv category table: names as arXiv gives them, and codes typed any which way."""

from __future__ import annotations

import pytest

from search_index.categories import (
    CATEGORY_ALIASES,
    CATEGORY_NAMES,
    LISTING_CODES,
    archive_of,
    category_name,
    normalize_category,
)

# Names checked against arXiv's taxonomy (arxiv-base, arxiv/taxonomy/definitions.py).
SAMPLE_NAMES = [
    ("cs.AI", "Artificial Intelligence"),
    ("cs.CL", "Computation and Language"),
    ("cs.LG", "Machine Learning"),
    ("cs.CE", "Computational Engineering, Finance, and Science"),
    ("cs.DC", "Distributed, Parallel, and Cluster Computing"),
    ("cs.GT", "Computer Science and Game Theory"),
    ("cs.HC", "Human-Computer Interaction"),
    ("cs.SD", "Sound"),
    ("math.AG", "Algebraic Geometry"),
    ("math.CA", "Classical Analysis and ODEs"),
    ("math.KT", "K-Theory and Homology"),
    ("math.QA", "Quantum Algebra"),
    ("math.ST", "Statistics Theory"),
    ("astro-ph", "Astrophysics"),
    ("astro-ph.CO", "Cosmology and Nongalactic Astrophysics"),
    ("astro-ph.IM", "Instrumentation and Methods for Astrophysics"),
    ("cond-mat", "Condensed Matter"),
    ("cond-mat.mes-hall", "Mesoscale and Nanoscale Physics"),
    ("cond-mat.quant-gas", "Quantum Gases"),
    ("gr-qc", "General Relativity and Quantum Cosmology"),
    ("hep-ex", "High Energy Physics - Experiment"),
    ("hep-lat", "High Energy Physics - Lattice"),
    ("hep-ph", "High Energy Physics - Phenomenology"),
    ("hep-th", "High Energy Physics - Theory"),
    ("math-ph", "Mathematical Physics"),
    ("nlin.AO", "Adaptation and Self-Organizing Systems"),
    ("nlin.CG", "Cellular Automata and Lattice Gases"),
    ("nucl-ex", "Nuclear Experiment"),
    ("nucl-th", "Nuclear Theory"),
    ("physics.atm-clus", "Atomic and Molecular Clusters"),
    ("physics.data-an", "Data Analysis, Statistics and Probability"),
    ("physics.optics", "Optics"),
    ("quant-ph", "Quantum Physics"),
    ("q-bio", "Quantitative Biology"),
    ("q-bio.NC", "Neurons and Cognition"),
    ("q-bio.TO", "Tissues and Organs"),
    ("q-fin.EC", "Economics"),
    ("q-fin.TR", "Trading and Market Microstructure"),
    ("stat.ML", "Machine Learning"),
    ("stat.TH", "Statistics Theory"),
    ("eess.AS", "Audio and Speech Processing"),
    ("eess.SY", "Systems and Control"),
    ("econ.EM", "Econometrics"),
    ("econ.GN", "General Economics"),
    ("econ.TH", "Theoretical Economics"),
    ("cs", "Computer Science"),
    ("math", "Mathematics"),
    ("physics", "Physics"),
    ("acc-phys", "Accelerator Physics"),
    ("adap-org", "Adaptation, Noise, and Self-Organizing Systems"),
    ("alg-geom", "Algebraic Geometry"),
    ("ao-sci", "Atmospheric-Oceanic Sciences"),
    ("atom-ph", "Atomic, Molecular and Optical Physics"),
    ("bayes-an", "Bayesian Analysis"),
    ("chao-dyn", "Chaotic Dynamics"),
    ("chem-ph", "Chemical Physics"),
    ("cmp-lg", "Computation and Language"),
    ("comp-gas", "Cellular Automata and Lattice Gases"),
    ("dg-ga", "Differential Geometry"),
    ("funct-an", "Functional Analysis"),
    ("mtrl-th", "Materials Theory"),
    ("patt-sol", "Pattern Formation and Solitons"),
    ("plasm-ph", "Plasma Physics"),
    ("q-alg", "Quantum Algebra and Topology"),
    ("solv-int", "Exactly Solvable and Integrable Systems"),
    ("supr-con", "Superconductivity"),
]


@pytest.mark.parametrize(("code", "name"), SAMPLE_NAMES)
def test_official_names(code: str, name: str) -> None:
    assert CATEGORY_NAMES[code] == name
    assert category_name(code) == name


def _subcategories(archive: str) -> set[str]:
    return {code for code in CATEGORY_NAMES if code.startswith(f"{archive}.")}


@pytest.mark.parametrize(
    ("archive", "count"),
    [
        ("cs", 40),
        ("math", 32),
        ("astro-ph", 6),
        ("cond-mat", 9),
        ("nlin", 5),
        ("physics", 22),
        ("q-bio", 10),
        ("q-fin", 9),
        ("stat", 6),
        ("eess", 4),
        ("econ", 3),
    ],
)
def test_every_subcategory_is_there(archive: str, count: int) -> None:
    assert len(_subcategories(archive)) == count


def test_standalone_physics_archives_and_legacy_codes_are_there() -> None:
    standalone = {"gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph"}
    standalone |= {"nucl-ex", "nucl-th", "quant-ph"}
    legacy = {"acc-phys", "adap-org", "alg-geom", "ao-sci", "atom-ph", "bayes-an", "chao-dyn"}
    legacy |= {"chem-ph", "cmp-lg", "comp-gas", "dg-ga", "funct-an", "mtrl-th", "patt-sol"}
    legacy |= {"plasm-ph", "q-alg", "solv-int", "supr-con"}
    assert standalone | legacy <= CATEGORY_NAMES.keys()


def test_no_two_codes_differ_only_in_case() -> None:
    """normalize_category looks codes up case-insensitively, so the folding must be one-to-one."""
    assert len({code.casefold() for code in CATEGORY_NAMES}) == len(CATEGORY_NAMES)


def test_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        CATEGORY_NAMES["cs.XX"] = "Nope"  # type: ignore[index]


def test_listing_codes_cover_every_cs_subcategory() -> None:
    assert all(value in CATEGORY_NAMES for value in LISTING_CODES.values())
    assert set(LISTING_CODES.values()) == _subcategories("cs")
    assert all(value == f"cs.{key}" for key, value in LISTING_CODES.items())
    for short in ("CL", "LG", "AI", "CV", "IR", "NE", "RO", "CR", "DS", "SE", "HC", "MA", "SD"):
        assert LISTING_CODES[short] == f"cs.{short}"
    assert LISTING_CODES["GT"] == "cs.GT"
    assert "ZZ" not in LISTING_CODES


def test_aliases_name_the_same_subject() -> None:
    assert CATEGORY_ALIASES == {
        "math.IT": "cs.IT",
        "math.MP": "math-ph",
        "stat.TH": "math.ST",
        "q-fin.EC": "econ.GN",
        "cs.SY": "eess.SY",
        "cs.NA": "math.NA",
    }
    for alias, canonical in CATEGORY_ALIASES.items():
        assert alias in CATEGORY_NAMES
        assert canonical in CATEGORY_NAMES
    # q-fin.EC is "Economics" and econ.GN "General Economics": the rest share a name.
    for alias in ("math.IT", "math.MP", "stat.TH", "cs.SY", "cs.NA"):
        assert CATEGORY_NAMES[alias] == CATEGORY_NAMES[CATEGORY_ALIASES[alias]]


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("cs.CL", "cs.CL"),
        ("CL", "cs.CL"),
        ("cl", "cs.CL"),
        ("cs.cl", "cs.CL"),
        ("CS.CL", "cs.CL"),
        (" cs.CL ", "cs.CL"),
        ("\tLG\n", "cs.LG"),
        ("hep-th", "hep-th"),
        ("HEP-TH", "hep-th"),
        ("math.ag", "math.AG"),
        ("stat.ml", "stat.ML"),
        ("astro-ph.co", "astro-ph.CO"),
        ("COND-MAT.MES-HALL", "cond-mat.mes-hall"),
        ("Physics.Optics", "physics.optics"),
        ("cs", "cs"),
        ("CS", "cs"),
        ("chao-dyn", "chao-dyn"),
        ("cs.SY", "cs.SY"),  # an alias keeps its own code: the index stores what papers carry
        ("eess.sy", "eess.SY"),
    ],
)
def test_normalize_category(typed: str, canonical: str) -> None:
    assert normalize_category(typed) == canonical


@pytest.mark.parametrize(
    "typed", ["XX", "cs.ZZ", "", "   ", "ZZ", "cs.", "math.XX", "hep", "cs.CL.extra", "test"]
)
def test_normalize_category_rejects_unknown_codes(typed: str) -> None:
    assert normalize_category(typed) is None
    assert category_name(typed) is None


def test_category_name_accepts_what_normalize_accepts() -> None:
    assert category_name("CL") == "Computation and Language"
    assert category_name("math.ag") == "Algebraic Geometry"
    assert category_name(" HEP-TH ") == "High Energy Physics - Theory"
    assert category_name("stat.ml") == "Machine Learning"


@pytest.mark.parametrize(
    ("code", "archive"),
    [
        ("cs.CL", "cs"),
        ("astro-ph.CO", "astro-ph"),
        ("hep-th", "hep-th"),
        ("cond-mat.mes-hall", "cond-mat"),
        ("physics.optics", "physics"),
        ("q-fin.EC", "q-fin"),
        ("astro-ph", "astro-ph"),
        ("chao-dyn", "chao-dyn"),
        ("CL", "cs"),
        ("MATH.ag", "math"),
    ],
)
def test_archive_of(code: str, archive: str) -> None:
    assert archive_of(code) == archive
