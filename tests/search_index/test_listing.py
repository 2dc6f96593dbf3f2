"""The listing importer: every seed paper field by field, hard title/author splits, bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from search_index import Paper, ParseError
from search_index.importers.listing import parse, parse_text, split_title_authors
from search_index.library import embedded_listing

REF = dt.date(2026, 11, 26)

# (title, authors, et_al, affiliation, category, published, has_code, code_urls, abstract start)
SEED = [
    ("Pushing Mixture of Experts to the Limit: Extremely Parameter Efficient MoE for Instruction Tuning", ("Ted Zadouri", "Ahmet Üstün", "Arash Ahmadian"), True, None, "cs.CL", dt.date(2023, 9, 11), True, ("https://github.com/for-ai/parameter-efficient-moe",), "The Mixture of Experts (MoE) is a widely"),
    ("Pseudo-Inverted Bottleneck Convolution for DARTS Search Space", ("Arash Ahmadian", "Louis S. P. Liu", "Yue Fei"), True, None, "cs.LG", dt.date(2022, 12, 31), True, ("https://github.com/mahdihosseini/PIBConv",), "Differentiable Architecture Search (DARTS"),
    ("RLHF Can Speak Many Languages: Unlocking Multilingual Preference Optimization for LLMs", ("John Dang", "Arash Ahmadian", "Kelly Marchisio"), True, None, "cs.CL", dt.date(2024, 7, 2), False, (), "Preference optimization techniques have b"),
    ("SimMerge: Learning to Select Merge Operators from Similarity Signals", ("Oliver Bolton", "Aakanksha", "Arash Ahmadian"), True, None, "cs.LG", dt.date(2026, 1, 14), False, (), "Model merging enables multiple large lang"),
    ("$λ$-models: Effective Decision-Aware Reinforcement Learning with Latent Models", ("Claas A Voelcker", "Arash Ahmadian", "Romina Abachi"), True, None, "cs.LG", dt.date(2023, 6, 30), False, (), "The idea of decision-aware model learning"),
    ("Subspace Learning for Feature Selection via Rank Revealing QR Factorization: Unsupervised and Hybrid Approaches with Non-negative Matrix Factorization and Evolutionary Algorithm", ("Amir Moslemi", "Arash Ahmadian"), False, None, "cs.LG", dt.date(2022, 10, 2), False, (), "The selection of most informative and dis"),
    ("Aya Expanse: Combining Research Breakthroughs for a New Multilingual Frontier", ("John Dang", "Shivalika Singh", "Daniel D'souza"), True, None, "cs.CL", dt.date(2024, 12, 5), False, (), "We introduce the Aya Expanse model family"),
    ("Command A: An Enterprise-Ready Large Language Model", ("Team Cohere", "Aakanksha", "Arash Ahmadian"), True, "mila", "cs.CL", dt.date(2025, 4, 1), False, (), "In this report we describe the developmen"),
    ("Aya Vision: Advancing the Frontier of Multilingual Multimodality", ("Saurabh Dash", "Yiyang Nan", "John Dang"), True, None, "cs.CL", dt.date(2025, 5, 13), False, (), "Building multimodal language models is fu"),
    ("Mix Data or Merge Models? Optimizing for Diverse Multi-Task Learning", ("Aakanksha", "Arash Ahmadian", "Seraphina Goldfarb-Tarrant"), True, None, "cs.CL", dt.date(2024, 10, 14), False, (), "Large Language Models (LLMs) have been ad"),
    ("If You Can't Use Them, Recycle Them: Optimizing Merging at Scale Mitigates Performance Tradeoffs", ("Muhammad Khalifa", "Yi-Chern Tan", "Arash Ahmadian"), True, None, "cs.CL", dt.date(2024, 12, 5), False, (), "Model merging has shown great promise at "),
    ("Programming by Backprop: LLMs Acquire Reusable Algorithmic Abstractions During Code Training", ("Jonathan Cook", "Silvia Sapora", "Arash Ahmadian"), True, None, "cs.AI", dt.date(2025, 6, 23), False, (), "Training large language models (LLMs) on "),
    ("Calibrated Value-Aware Model Learning with Probabilistic Environment Models", ("Claas Voelcker", "Anastasiia Pedan", "Arash Ahmadian"), True, None, "cs.LG", dt.date(2025, 5, 28), False, (), "The idea of value-aware model learning, t"),
    ("Averaging log-likelihoods in direct alignment", ("Nathan Grinsztajn", "Yannis Flet-Berliac", "Mohammad Gheshlaghi Azar"), True, None, "cs.LG", dt.date(2024, 6, 27), False, (), "To better align Large Language Models (LL"),
    ("Contrastive Policy Gradient: Aligning LLMs on sequence-level scores in a supervised-friendly fashion", ("Yannis Flet-Berliac", "Nathan Grinsztajn", "Florian Strub"), True, None, "cs.LG", dt.date(2024, 6, 27), False, (), "Reinforcement Learning (RL) has been used"),
    ("The Multilingual Alignment Prism: Aligning Global and Local Preferences to Reduce Harm", ("Aakanksha", "Arash Ahmadian", "Beyza Ermis"), True, None, "cs.CL", dt.date(2024, 6, 26), False, (), 'A key concern with the concept of "alignm'),
    ("Self-Improving Robust Preference Optimization", ("Eugene Choi", "Arash Ahmadian", "Matthieu Geist"), True, None, "cs.LG", dt.date(2024, 6, 3), False, (), "Online and offline RLHF methods, such as "),
    ("Back to Basics: Revisiting REINFORCE Style Optimization for Learning from Human Feedback in LLMs", ("Arash Ahmadian", "Chris Cremer", "Matthias Gallé"), True, None, "cs.LG", dt.date(2024, 2, 22), False, (), "AI alignment in the shape of Reinforcemen"),
    ("Intriguing Properties of Quantization at Scale", ("Arash Ahmadian", "Saurabh Dash", "Hongyu Chen"), True, None, "cs.LG", dt.date(2023, 5, 30), False, (), "Emergent properties have been widely adop"),
]  # fmt: skip


def _papers(records: list[Paper | ParseError]) -> list[Paper]:
    return [r for r in records if isinstance(r, Paper)]


def test_every_seed_paper_field_by_field(seed_listing: Path) -> None:
    records = list(parse(seed_listing, reference_date=REF))
    assert not [r for r in records if isinstance(r, ParseError)]
    papers = _papers(records)
    assert len(papers) == len(SEED) == 19
    for paper, expected in zip(papers, SEED, strict=True):
        title, authors, et_al, affiliation, category, published, code, urls, start = expected
        assert paper.title == title
        assert paper.authors == authors
        assert paper.et_al is et_al
        assert paper.affiliation == affiliation
        assert paper.categories == (category,)
        assert paper.published == published
        assert paper.has_code is code
        assert paper.code_urls == urls
        assert paper.abstract.startswith(start)
        assert paper.source is not None and paper.source.line == 3 * papers.index(paper) + 1


def test_the_embedded_listing_is_the_seed(seed_listing: Path) -> None:
    assert embedded_listing() == seed_listing.read_text("utf-8")


SPLITS = [
    # (line, title, authors)
    ("Scaling Laws for LLMJohn Smith, Ann Lee", "Scaling Laws for LLM", ("John Smith", "Ann Lee")),
    ("Safety of GPT-4Ahmed Ali, Bo Li", "Safety of GPT-4", ("Ahmed Ali", "Bo Li")),
    ("Fine-tuning Mistral 7BAna Lee", "Fine-tuning Mistral 7B", ("Ana Lee",)),
    ("Are Emergent Abilities a Mirage?Rylan Schaeffer, Brando Miranda", "Are Emergent Abilities a Mirage?", ("Rylan Schaeffer", "Brando Miranda")),
    ("Reward Models for LLMsJohn Dang", "Reward Models for LLMs", ("John Dang",)),
    ("Efficient Tuning (PEFT)Mary Major", "Efficient Tuning (PEFT)", ("Mary Major",)),
    ("Just Ask!Kim Lee", "Just Ask!", ("Kim Lee",)),
    ("Deep Learning ReviewYann LeCun, Yoshua Bengio, Geoffrey Hinton", "Deep Learning Review", ("Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton")),
    ("WaveNet: Audio GenerationAäron van den Oord", "WaveNet: Audio Generation", ("Aäron van den Oord",)),
    ("Neural Discrete Netsvan den Oord, Oriol Vinyals", "Neural Discrete Nets", ("van den Oord", "Oriol Vinyals")),
    # Ambiguous by construction: "QAEvan" could be "QAE" + "van Lee"; a capitalised given name is
    # far more common than an author list starting with a lowercase particle.
    ("Question Answering for QAEvan Lee", "Question Answering for QA", ("Evan Lee",)),
    ("Visualizing High-Dimensional DataLaurens van der Maaten", "Visualizing High-Dimensional Data", ("Laurens van der Maaten",)),
    ("Ode to JoyLudwig van Beethoven", "Ode to Joy", ("Ludwig van Beethoven",)),
    ("Graph Neural NetworksMaría de la Cruz, Li Wei", "Graph Neural Networks", ("María de la Cruz", "Li Wei")),
    ("A Study of SimMergeKelly Marchisio", "A Study of SimMerge", ("Kelly Marchisio",)),
    ("Modernizing ConvNeXtEve Adams", "Modernizing ConvNeXt", ("Eve Adams",)),
    ("Benchmarks in PyTorchSam O'Brien", "Benchmarks in PyTorch", ("Sam O'Brien",)),
    ("Model CardsOpenAI", "Model Cards", ("OpenAI",)),
    ("Command R TechnicalTeam Cohere, Aakanksha", "Command R Technical", ("Team Cohere", "Aakanksha")),
    ("Multi-Task MergingAakanksha, Arash Ahmadian", "Multi-Task Merging", ("Aakanksha", "Arash Ahmadian")),
    ("Self-Improving Robust OptimizationEugene Choi", "Self-Improving Robust Optimization", ("Eugene Choi",)),
    ("Databases at ScaleDavid DeWitt, Jim Gray", "Databases at Scale", ("David DeWitt", "Jim Gray")),
    ("Information TheoryDavid J. C. MacKay", "Information Theory", ("David J. C. MacKay",)),
    ("Counting SheepRyan McDonald", "Counting Sheep", ("Ryan McDonald",)),
    ("Film TheoryLeonardo DiCaprio", "Film Theory", ("Leonardo DiCaprio",)),
    ("Hybrid ModelsJean-Pierre Dupont, Yi-Chern Tan", "Hybrid Models", ("Jean-Pierre Dupont", "Yi-Chern Tan")),
    ("Learning to RankClaas A Voelcker", "Learning to Rank", ("Claas A Voelcker",)),
    ("RL with PPOLouis S. P. Liu", "RL with PPO", ("Louis S. P. Liu",)),
    ("Bandits RevisitedJ. Smith", "Bandits Revisited", ("J. Smith",)),
    ("Mirror DescentJ.-P. Serre", "Mirror Descent", ("J.-P. Serre",)),
    ("Accented NamesÉmile Zola, Ahmet Üstün", "Accented Names", ("Émile Zola", "Ahmet Üstün")),
    ("Optimal TransportMatthias Gallé", "Optimal Transport", ("Matthias Gallé",)),
    ("$λ$-calculus RevisitedAlonzo Church", "$λ$-calculus Revisited", ("Alonzo Church",)),
    ("Attention Is All You NeedAshish Vaswani, Noam Shazeer", "Attention Is All You Need", ("Ashish Vaswani", "Noam Shazeer")),
    ("Text-to-Image DiffusionChitwan Saharia", "Text-to-Image Diffusion", ("Chitwan Saharia",)),
    ("Learning from 1000 ExamplesA Name", "Learning from 1000 Examples", ("A Name",)),
    ("Vision Transformers at 22BAlexey Dosovitskiy", "Vision Transformers at 22B", ("Alexey Dosovitskiy",)),
    ("Scaling Laws, RevisitedJared Kaplan", "Scaling Laws, Revisited", ("Jared Kaplan",)),
    ("What's in a Name?Daniel D'souza", "What's in a Name?", ("Daniel D'souza",)),
    ("Retrieval for QACohere For AI, John Dang", "Retrieval for QA", ("Cohere For AI", "John Dang")),
    ("Speech ModelsΑλέξανδρος Παπαδόπουλος", "Speech Models", ("Αλέξανδρος Παπαδόπουλος",)),
    ("Quantum Error CorrectionJohn Preskill", "Quantum Error Correction", ("John Preskill",)),
    ("Mixture-of-Experts 101Noam Shazeer", "Mixture-of-Experts 101", ("Noam Shazeer",)),
    ("Code Generation with LLaMAHugo Touvron", "Code Generation with LLaMA", ("Hugo Touvron",)),
]  # fmt: skip


@pytest.mark.parametrize(("line", "title", "authors"), SPLITS, ids=[s[1] for s in SPLITS])
def test_hard_title_author_splits(line: str, title: str, authors: tuple[str, ...]) -> None:
    split = split_title_authors(line)
    assert split is not None
    assert split[:2] == (title, authors)


def test_et_al_and_affiliation_are_taken_off() -> None:
    assert split_title_authors("Command A: A ModelTeam Cohere, Aakanksha et al. · mila") == (
        "Command A: A Model",
        ("Team Cohere", "Aakanksha"),
        True,
        "mila",
    )


def test_unsplittable_line_is_rejected_not_guessed() -> None:
    assert split_title_authors("all lowercase title with no authors") is None


def _listing(*entries: str) -> str:
    return "\n".join(entries) + "\n"


GOOD = ("LGJun 3, 2024", "Robust OptimizationEugene Choi, Arash Ahmadian", "An abstract.")


def test_year_less_dates_count_back_from_the_reference_date() -> None:
    text = _listing(
        "LGJan 14", "SimMergeOliver Bolton", "A.",
        "LGDec 24", "Late PaperAnn Lee", "B.",
        "LGFeb 29", "Leap PaperBo Li", "C.",
    )  # fmt: skip
    dates = [
        p.published for p in _papers(list(parse_text(text, source_name="x", reference_date=REF)))
    ]
    assert dates == [dt.date(2026, 1, 14), dt.date(2025, 12, 24), dt.date(2024, 2, 29)]


def test_bom_crlf_trailing_spaces_and_blank_lines_are_tolerated(tmp_path: Path) -> None:
    body = "\ufeff" + "\r\n".join([GOOD[0] + "  ", GOOD[1] + " ", GOOD[2], "", "", *GOOD]) + "\r\n"
    path = tmp_path / "l.txt"
    path.write_bytes(body.encode("utf-8"))
    papers = _papers(list(parse(path, reference_date=REF)))
    assert len(papers) == 2
    assert papers[0].title == "Robust Optimization"
    assert papers[0].authors == ("Eugene Choi", "Arash Ahmadian")
    assert papers[0].id == papers[1].id


def test_malformed_entries_are_reported_with_lines_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(
        _listing(
            *GOOD,  # lines 1-3
            "XYZ not a header",  # line 4
            "LGFeb 30, 2024", "Impossible DateAnn Lee", "Abstract.",  # lines 5-7
            "LGMay 1, 2024", "Second GoodBo Li", "Abstract two.",  # lines 8-10
            "ZZMay 1, 2024", "Unknown CodeBo Li", "Abstract.",  # lines 11-13
            "CLMay 2, 2024", "Truncated EntryCy Young",  # lines 14-15
        ),
        "utf-8",
    )  # fmt: skip
    records = list(parse(path, reference_date=REF))
    errors = [str(r) for r in records if isinstance(r, ParseError)]
    assert [p.title for p in _papers(records)] == ["Robust Optimization", "Second Good"]
    assert errors == [
        f"{path}:4: unreadable header 'XYZ not a header'",
        f"{path}:5: impossible date Feb 30, 2024",
        f"{path}:11: unknown category code 'ZZ'",
        f"{path}:14: entry ends before its abstract",
    ]


def test_ids_are_stable_and_ignore_abstract_edits() -> None:
    one = _papers(list(parse_text(_listing(*GOOD), source_name="a", reference_date=REF)))[0]
    edited = _listing(GOOD[0], GOOD[1], "A corrected abstract.")
    two = _papers(list(parse_text(edited, source_name="b", reference_date=REF)))[0]
    assert one.id == two.id and one.id.startswith("ps-")


def test_escape_sequences_are_removed() -> None:
    text = _listing(
        "LGJun 3, 2024",
        "Evil\x1b]52;c;aGFja2Vk\x07 Title\x1b[2JEve Adams",
        "Bad \x9b31m abstract\x07.",
    )
    paper = _papers(list(parse_text(text, source_name="x", reference_date=REF)))[0]
    assert paper.title == "Evil Title"
    assert (
        "\x1b" not in paper.abstract
        and "\x07" not in paper.abstract
        and "\x9b" not in paper.abstract
    )
