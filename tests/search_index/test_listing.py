"""The listing importer: every seed paper field by field, hard title/author splits, bad files."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import pytest

from search_index.ids import content_id
from search_index.importers.listing import (
    SplitError,
    TitleAuthors,
    looks_like_listing,
    parse,
    parse_text,
    split_title_authors,
)
from search_index.models import Paper, ParseError

REF = dt.date(2026, 11, 26)
SEED_PATH = Path(__file__).parents[2].parent / "shared" / "seeds" / "listing.txt"

# (title, authors, et_al, affiliation, category, published, has_code, code_urls, abstract start)
SEED = [
    ("Pushing Mixture of Experts to the Limit: Extremely Parameter Efficient MoE for Instruction Tuning", ("Ted Zadouri", "Ahmet Üstün", "Arash Ahmadian"), True, None, "cs.CL", dt.date(2023, 9, 11), True, ("https://github.com/for-ai/parameter-efficient-moe",), "The Mixture of Experts (MoE) is a widely"),
    ("Pseudo-Inverted Bottleneck Convolution for DARTS Search Space", ("Arash Ahmadian", "Louis S. P. Liu", "Yue Fei"), True, None, "cs.LG", dt.date(2022, 12, 31), True, ("https://github.com/mahdihosseini/PIBConv",), "Differentiable Architecture Search (DART"),
    ("RLHF Can Speak Many Languages: Unlocking Multilingual Preference Optimization for LLMs", ("John Dang", "Arash Ahmadian", "Kelly Marchisio"), True, None, "cs.CL", dt.date(2024, 7, 2), False, (), "Preference optimization techniques have "),
    ("SimMerge: Learning to Select Merge Operators from Similarity Signals", ("Oliver Bolton", "Aakanksha", "Arash Ahmadian"), True, None, "cs.LG", dt.date(2026, 1, 14), False, (), "Model merging enables multiple large lan"),
    ("$λ$-models: Effective Decision-Aware Reinforcement Learning with Latent Models", ("Claas A Voelcker", "Arash Ahmadian", "Romina Abachi"), True, None, "cs.LG", dt.date(2023, 6, 30), False, (), "The idea of decision-aware model learnin"),
    ("Subspace Learning for Feature Selection via Rank Revealing QR Factorization: Unsupervised and Hybrid Approaches with Non-negative Matrix Factorization and Evolutionary Algorithm", ("Amir Moslemi", "Arash Ahmadian"), False, None, "cs.LG", dt.date(2022, 10, 2), False, (), "The selection of most informative and di"),
    ("Aya Expanse: Combining Research Breakthroughs for a New Multilingual Frontier", ("John Dang", "Shivalika Singh", "Daniel D'souza"), True, None, "cs.CL", dt.date(2024, 12, 5), False, (), "We introduce the Aya Expanse model famil"),
    ("Command A: An Enterprise-Ready Large Language Model", ("Team Cohere", "Aakanksha", "Arash Ahmadian"), True, "mila", "cs.CL", dt.date(2025, 4, 1), False, (), "In this report we describe the developme"),
    ("Aya Vision: Advancing the Frontier of Multilingual Multimodality", ("Saurabh Dash", "Yiyang Nan", "John Dang"), True, None, "cs.CL", dt.date(2025, 5, 13), False, (), "Building multimodal language models is f"),
    ("Mix Data or Merge Models? Optimizing for Diverse Multi-Task Learning", ("Aakanksha", "Arash Ahmadian", "Seraphina Goldfarb-Tarrant"), True, None, "cs.CL", dt.date(2024, 10, 14), False, (), "Large Language Models (LLMs) have been a"),
    ("If You Can't Use Them, Recycle Them: Optimizing Merging at Scale Mitigates Performance Tradeoffs", ("Muhammad Khalifa", "Yi-Chern Tan", "Arash Ahmadian"), True, None, "cs.CL", dt.date(2024, 12, 5), False, (), "Model merging has shown great promise at"),
    ("Programming by Backprop: LLMs Acquire Reusable Algorithmic Abstractions During Code Training", ("Jonathan Cook", "Silvia Sapora", "Arash Ahmadian"), True, None, "cs.AI", dt.date(2025, 6, 23), False, (), "Training large language models (LLMs) on"),
    ("Calibrated Value-Aware Model Learning with Probabilistic Environment Models", ("Claas Voelcker", "Anastasiia Pedan", "Arash Ahmadian"), True, None, "cs.LG", dt.date(2025, 5, 28), False, (), "The idea of value-aware model learning, "),
    ("Averaging log-likelihoods in direct alignment", ("Nathan Grinsztajn", "Yannis Flet-Berliac", "Mohammad Gheshlaghi Azar"), True, None, "cs.LG", dt.date(2024, 6, 27), False, (), "To better align Large Language Models (L"),
    ("Contrastive Policy Gradient: Aligning LLMs on sequence-level scores in a supervised-friendly fashion", ("Yannis Flet-Berliac", "Nathan Grinsztajn", "Florian Strub"), True, None, "cs.LG", dt.date(2024, 6, 27), False, (), "Reinforcement Learning (RL) has been use"),
    ("The Multilingual Alignment Prism: Aligning Global and Local Preferences to Reduce Harm", ("Aakanksha", "Arash Ahmadian", "Beyza Ermis"), True, None, "cs.CL", dt.date(2024, 6, 26), False, (), 'A key concern with the concept of "align'),
    ("Self-Improving Robust Preference Optimization", ("Eugene Choi", "Arash Ahmadian", "Matthieu Geist"), True, None, "cs.LG", dt.date(2024, 6, 3), False, (), "Online and offline RLHF methods, such as"),
    ("Back to Basics: Revisiting REINFORCE Style Optimization for Learning from Human Feedback in LLMs", ("Arash Ahmadian", "Chris Cremer", "Matthias Gallé"), True, None, "cs.LG", dt.date(2024, 2, 22), False, (), "AI alignment in the shape of Reinforceme"),
    ("Intriguing Properties of Quantization at Scale", ("Arash Ahmadian", "Saurabh Dash", "Hongyu Chen"), True, None, "cs.LG", dt.date(2023, 5, 30), False, (), "Emergent properties have been widely ado"),
]  # fmt: skip


def _papers(records: list[Paper | ParseError]) -> list[Paper]:
    return [r for r in records if isinstance(r, Paper)]


def _errors(records: list[Paper | ParseError]) -> list[str]:
    return [str(r) for r in records if isinstance(r, ParseError)]


@pytest.fixture
def seed_file() -> Path:
    if not SEED_PATH.is_file():
        pytest.skip(f"{SEED_PATH} is absent")
    return SEED_PATH


def test_every_seed_paper_field_by_field(seed_file: Path) -> None:
    records = list(parse(seed_file, reference_date=REF))
    assert _errors(records) == []
    papers = _papers(records)
    assert len(papers) == len(SEED) == 19
    for k, (paper, expected) in enumerate(zip(papers, SEED, strict=True)):
        title, authors, et_al, affiliation, category, published, code, urls, start = expected
        assert paper.title == title
        assert paper.authors == authors
        assert paper.et_al is et_al
        assert paper.affiliation == affiliation
        assert paper.categories == (category,)
        assert paper.published == published
        assert paper.has_code is code
        assert paper.code_urls == urls
        assert paper.links == ()
        assert paper.abstract[:40] == start
        assert paper.source is not None
        assert paper.source.path == str(seed_file) and paper.source.line == 3 * k + 1
        assert paper.citation_key is None
        assert paper.id == content_id(title, authors[0])


def test_the_embedded_listing_parses_cleanly() -> None:
    """The package ships a copy of the seed (search_index/data/listing.txt) for first runs."""
    data = resources.files("search_index") / "data" / "listing.txt"
    if not data.is_file():
        pytest.skip("search_index/data/listing.txt is not there yet")
    records = list(
        parse_text(data.read_text("utf-8"), source_name="<embedded>", reference_date=REF)
    )
    assert _errors(records) == []
    assert len(_papers(records)) == 19


# -- splitting the title from the authors ---------------------------------------------------

SPLITS = [
    # (line, title, authors)
    # titles ending in acronyms, plurals of acronyms, digits and punctuation
    ("Scaling Laws for LLMJohn Smith, Ann Lee", "Scaling Laws for LLM", ("John Smith", "Ann Lee")),
    ("Reward Models for LLMsJohn Dang", "Reward Models for LLMs", ("John Dang",)),
    ("Safety of GPT-4Ahmed Ali, Bo Li", "Safety of GPT-4", ("Ahmed Ali", "Bo Li")),
    ("Fine-tuning Mistral 7BAna Lee", "Fine-tuning Mistral 7B", ("Ana Lee",)),
    ("Vision Transformers at 22BAlexey Dosovitskiy", "Vision Transformers at 22B", ("Alexey Dosovitskiy",)),
    ("Mixture-of-Experts 101Noam Shazeer", "Mixture-of-Experts 101", ("Noam Shazeer",)),
    ("Are Emergent Abilities of Large Language Models a Mirage?Rylan Schaeffer, Brando Miranda, Sanmi Koyejo", "Are Emergent Abilities of Large Language Models a Mirage?", ("Rylan Schaeffer", "Brando Miranda", "Sanmi Koyejo")),
    ("Parameter-Efficient Fine-Tuning (PEFT)Mary Major", "Parameter-Efficient Fine-Tuning (PEFT)", ("Mary Major",)),
    ("Just Ask!Kim Lee", "Just Ask!", ("Kim Lee",)),
    ("What's in a Name?Daniel D'souza", "What's in a Name?", ("Daniel D'souza",)),
    ("Scaling Laws, RevisitedJared Kaplan", "Scaling Laws, Revisited", ("Jared Kaplan",)),
    ("Code Generation with LLaMAHugo Touvron", "Code Generation with LLaMA", ("Hugo Touvron",)),
    ("Faster R-CNNRoss Girshick", "Faster R-CNN", ("Ross Girshick",)),
    ("Visualizing Data using t-SNELaurens van der Maaten, Geoffrey Hinton", "Visualizing Data using t-SNE", ("Laurens van der Maaten", "Geoffrey Hinton")),
    # hyphenated capitalised words, CamelCase words and math in titles
    ("Self-Improving Robust OptimizationEugene Choi", "Self-Improving Robust Optimization", ("Eugene Choi",)),
    ("Multi-Task MergingAakanksha, Arash Ahmadian", "Multi-Task Merging", ("Aakanksha", "Arash Ahmadian")),
    ("Text-to-Image DiffusionChitwan Saharia", "Text-to-Image Diffusion", ("Chitwan Saharia",)),
    ("A Study of SimMergeKelly Marchisio", "A Study of SimMerge", ("Kelly Marchisio",)),
    ("Modernizing ConvNeXtEve Adams", "Modernizing ConvNeXt", ("Eve Adams",)),
    ("Benchmarks in PyTorchSam O'Brien", "Benchmarks in PyTorch", ("Sam O'Brien",)),
    ("Lessons from DeepMindRaia Hadsell", "Lessons from DeepMind", ("Raia Hadsell",)),
    ("$λ$-calculus RevisitedAlonzo Church", "$λ$-calculus Revisited", ("Alonzo Church",)),
    ("$λ$-models: Decision-Aware RL with Latent ModelsClaas A Voelcker, Arash Ahmadian", "$λ$-models: Decision-Aware RL with Latent Models", ("Claas A Voelcker", "Arash Ahmadian")),
    ("BERT: Pre-training of Deep Bidirectional TransformersJacob Devlin, Ming-Wei Chang, Kenton Lee", "BERT: Pre-training of Deep Bidirectional Transformers", ("Jacob Devlin", "Ming-Wei Chang", "Kenton Lee")),
    # initials
    ("RL with PPOLouis S. P. Liu", "RL with PPO", ("Louis S. P. Liu",)),
    ("Learning to RankClaas A Voelcker", "Learning to Rank", ("Claas A Voelcker",)),
    ("Bandits RevisitedJ. Smith", "Bandits Revisited", ("J. Smith",)),
    ("Mirror DescentJ.-P. Serre", "Mirror Descent", ("J.-P. Serre",)),
    ("Information TheoryDavid J. C. MacKay", "Information Theory", ("David J. C. MacKay",)),
    ("Learning from 1000 ExamplesA Name", "Learning from 1000 Examples", ("A Name",)),
    # particles, also opening the first author
    ("Pixel Recurrent Neural NetworksAäron van den Oord, Nal Kalchbrenner", "Pixel Recurrent Neural Networks", ("Aäron van den Oord", "Nal Kalchbrenner")),
    ("Neural Discrete Representation Learningvan den Oord, Oriol Vinyals", "Neural Discrete Representation Learning", ("van den Oord", "Oriol Vinyals")),
    ("Visualizing High-Dimensional Datavan der Maaten, Geoffrey Hinton", "Visualizing High-Dimensional Data", ("van der Maaten", "Geoffrey Hinton")),
    ("Graph Models at Scalevan den Berg, Kelly Marchisio, Andy Zou", "Graph Models at Scale", ("van den Berg", "Kelly Marchisio", "Andy Zou")),
    ("Ode to JoyLudwig van Beethoven", "Ode to Joy", ("Ludwig van Beethoven",)),
    ("Graph Neural NetworksMaría de la Cruz, Li Wei", "Graph Neural Networks", ("María de la Cruz", "Li Wei")),
    ("Learning to Decode Graphsde la Cruz, Li Wei", "Learning to Decode Graphs", ("de la Cruz", "Li Wei")),
    ("Tuning LLMsvan Dijk, Ann Lee", "Tuning LLMs", ("van Dijk", "Ann Lee")),
    ("Speech Recognition with GPT-4van der Berg", "Speech Recognition with GPT-4", ("van der Berg",)),
    ("Wave Equationsd'Alembert, Leonhard Euler", "Wave Equations", ("d'Alembert", "Leonhard Euler")),
    ("Algebra Foundationsal-Khwarizmi", "Algebra Foundations", ("al-Khwarizmi",)),
    ("Question Answering for QAEvan Lee", "Question Answering for QA", ("Evan Lee",)),
    ("Sensing with IoTIvan Petrov", "Sensing with IoT", ("Ivan Petrov",)),
    # internal capitals, hyphens, apostrophes, accents
    ("Deep Learning ReviewYann LeCun, Yoshua Bengio, Geoffrey Hinton", "Deep Learning Review", ("Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton")),
    ("Databases at ScaleDavid DeWitt, Jim Gray", "Databases at Scale", ("David DeWitt", "Jim Gray")),
    ("Counting SheepRyan McDonald", "Counting Sheep", ("Ryan McDonald",)),
    ("Film TheoryLeonardo DiCaprio", "Film Theory", ("Leonardo DiCaprio",)),
    ("Hybrid ModelsJean-Pierre Dupont, Yi-Chern Tan", "Hybrid Models", ("Jean-Pierre Dupont", "Yi-Chern Tan")),
    ("Hashing at ScaleSeraphina Goldfarb-Tarrant, Yannis Flet-Berliac", "Hashing at Scale", ("Seraphina Goldfarb-Tarrant", "Yannis Flet-Berliac")),
    ("Retrieval at ScaleSeung-won Hwang, Hyun-woo Kim", "Retrieval at Scale", ("Seung-won Hwang", "Hyun-woo Kim")),
    ("Graph MiningMaria Dell'Amico, Aminata N'Diaye", "Graph Mining", ("Maria Dell'Amico", "Aminata N'Diaye")),
    ("Accented NamesÉmile Zola, Ahmet Üstün", "Accented Names", ("Émile Zola", "Ahmet Üstün")),
    ("Optimal TransportMatthias Gallé", "Optimal Transport", ("Matthias Gallé",)),
    ("Decomposed AccentsMatthias Galle\u0301", "Decomposed Accents", ("Matthias Galle\u0301",)),
    ("Models for CNNsZsolt Kira", "Models for CNNs", ("Zsolt Kira",)),
    ("Scaling for AIKsenia Petrova", "Scaling for AI", ("Ksenia Petrova",)),
    ("Civil RightsMartin Luther King Jr., Ann Lee", "Civil Rights", ("Martin Luther King Jr.", "Ann Lee")),
    # from real arXiv metadata: CamelCase given names, glued or trailing initials, acronyms
    ("Accelerating the BulletHongSheng Zhao", "Accelerating the Bullet", ("HongSheng Zhao",)),
    ("Speech Emotion Recognition via AttentionHyeYoung Lee, Muhammad Nadeem", "Speech Emotion Recognition via Attention", ("HyeYoung Lee", "Muhammad Nadeem")),
    ("Prompting with LLMsMohammadTaghi Hajiaghayi, Sébastien Lahaie", "Prompting with LLMs", ("MohammadTaghi Hajiaghayi", "Sébastien Lahaie")),
    ("Decoupling Content and Delivery for Medical QAPo-Jen Ko, Chen-Han Tsai", "Decoupling Content and Delivery for Medical QA", ("Po-Jen Ko", "Chen-Han Tsai")),
    ("Modular Forms of Half Integral WeightDohoon Choi, YoungJu Choie", "Modular Forms of Half Integral Weight", ("Dohoon Choi", "YoungJu Choie")),
    ("Pierre Auger ObservatoryS. Y. BenZvi, B. M. Connolly", "Pierre Auger Observatory", ("S. Y. BenZvi", "B. M. Connolly")),
    ("Gesture RecognitionN.Zhang", "Gesture Recognition", ("N.Zhang",)),
    ("Bearing Faults Under Varying SpeedsMohammad Al-Sa'd, Tuomas Jalonen", "Bearing Faults Under Varying Speeds", ("Mohammad Al-Sa'd", "Tuomas Jalonen")),
    ("Gradient BoostingAjvad Haneef K, Karan Kuwar Singh, Madhu Kumar S D", "Gradient Boosting", ("Ajvad Haneef K", "Karan Kuwar Singh", "Madhu Kumar S D")),
    ("Elements of Information TheoryT Cover, JM Thomas", "Elements of Information Theory", ("T Cover", "JM Thomas")),
    ("Airborne Object Detection: A Deep Learning AnalysisProsenjit Chatterjee, ANK Zaman", "Airborne Object Detection: A Deep Learning Analysis", ("Prosenjit Chatterjee", "ANK Zaman")),
    ("Bursts in LIGO data from the fourth science runLIGO Scientific Collaboration", "Bursts in LIGO data from the fourth science run", ("LIGO Scientific Collaboration",)),
    ("Cross Section in WW Events at LEP-2The DELPHI Collaboration, J. Abdallah", "Cross Section in WW Events at LEP-2", ("The DELPHI Collaboration", "J. Abdallah")),
    # single names and organisations
    ("Mix Data or Merge Models? Diverse Multi-Task LearningAakanksha, Arash Ahmadian", "Mix Data or Merge Models? Diverse Multi-Task Learning", ("Aakanksha", "Arash Ahmadian")),
    ("Model CardsOpenAI", "Model Cards", ("OpenAI",)),
    ("Command R TechnicalTeam Cohere, Aakanksha", "Command R Technical", ("Team Cohere", "Aakanksha")),
    ("Retrieval for QACohere For AI, John Dang", "Retrieval for QA", ("Cohere For AI", "John Dang")),
    ("Gemini: A Family of Multimodal ModelsGemini Team, Google DeepMind", "Gemini: A Family of Multimodal Models", ("Gemini Team", "Google DeepMind")),
    ("Hopper ArchitectureNVIDIA", "Hopper Architecture", ("NVIDIA",)),
    # non-Latin scripts
    ("Speech ModelsΑλέξανδρος Παπαδόπουλος", "Speech Models", ("Αλέξανδρος Παπαδόπουλος",)),
    ("Neural NetworksАлександр Пушкин, Лев Толстой", "Neural Networks", ("Александр Пушкин", "Лев Толстой")),
    ("Speech Models李明, 王芳", "Speech Models", ("李明", "王芳")),
    ("深度学习综述Yann LeCun", "深度学习综述", ("Yann LeCun",)),
]  # fmt: skip


@pytest.mark.parametrize(("line", "title", "authors"), SPLITS, ids=[s[0][-28:] for s in SPLITS])
def test_hard_title_author_splits(line: str, title: str, authors: tuple[str, ...]) -> None:
    assert split_title_authors(line) == TitleAuthors(title, authors)


def test_there_are_many_split_cases() -> None:
    assert len(SPLITS) >= 40


def test_et_al_and_affiliation_are_taken_off() -> None:
    assert split_title_authors(
        "Command A: A ModelTeam Cohere, Aakanksha, Arash Ahmadian et al. · mila"
    ) == TitleAuthors(
        "Command A: A Model", ("Team Cohere", "Aakanksha", "Arash Ahmadian"), True, "mila"
    )
    assert split_title_authors("Deep NetsAnn Lee et al") == TitleAuthors(
        "Deep Nets", ("Ann Lee",), True
    )
    assert split_title_authors("Deep NetsAnn Lee · ETH Zürich") == TitleAuthors(
        "Deep Nets", ("Ann Lee",), False, "ETH Zürich"
    )


UNSPLITTABLE = [
    "all lowercase title with no authors",
    "A Title Where Every Word Follows a Space",
    "中文标题李明",
    "Scaling Laws: Ann Lee",  # not glued: the format has no separator, so this is no entry
    "Deep Netsann lee",
    "Deep Learning42, 17",
    "Partonic SystemXiao-Ming xu",  # a lowercase surname is no name we can vouch for
    "Scaling Mistral 7BJ Smith",  # "7B" + "J Smith" or "7BJ" + "Smith"?
    # Two readings: "JoAnne" could be a title word glued to "Anne"; "U.S." an initial.
    "TitleAnn Lee, JoAnne Smith",
    "Made in the U.S.J. Smith",
]


@pytest.mark.parametrize("line", UNSPLITTABLE)
def test_unsplittable_lines_are_rejected_not_guessed(line: str) -> None:
    with pytest.raises(SplitError):
        split_title_authors(line)


# -- files ----------------------------------------------------------------------------------


def _listing(*lines: str) -> str:
    return "\n".join(lines) + "\n"


GOOD = ("LGJun 3, 2024", "Robust OptimizationEugene Choi, Arash Ahmadian", "An abstract.")


def _parse(text: str) -> list[Paper | ParseError]:
    return list(parse_text(text, source_name="x.txt", reference_date=REF))


def test_year_less_dates_count_back_from_the_reference_date() -> None:
    text = _listing(
        "LGJan 14", "SimMergeOliver Bolton", "A.",
        "LGDec 24", "Late PaperAnn Lee", "B.",
        "LGFeb 29", "Leap PaperBo Li", "C.",
        "LGNov 26", "Today PaperCy Ng", "D.",
        "LGNov 27", "Tomorrow PaperDi Wu", "E.",
    )  # fmt: skip
    assert [p.published for p in _papers(_parse(text))] == [
        dt.date(2026, 1, 14),
        dt.date(2025, 12, 24),
        dt.date(2024, 2, 29),
        dt.date(2026, 11, 26),
        dt.date(2025, 11, 27),
    ]


def test_the_reference_date_defaults_to_today() -> None:
    papers = _papers(list(parse_text(_listing("LGJan 1", "PaperAnn Lee", "A."), source_name="x")))
    assert papers[0].published == dt.date(dt.date.today().year, 1, 1)


def test_header_fields() -> None:
    text = _listing(
        "CLSep 11, 2023Code", "Coded PaperAnn Lee", "A.",
        "AIJune 2, 2021", "Plain PaperBo Li", "B.",
        "MAMay 1", "Agents PaperCy Ng", "C.",
    )  # fmt: skip
    papers = _papers(_parse(text))
    assert [(p.categories, p.published, p.has_code) for p in papers] == [
        (("cs.CL",), dt.date(2023, 9, 11), True),
        (("cs.AI",), dt.date(2021, 6, 2), False),
        (("cs.MA",), dt.date(2026, 5, 1), False),
    ]


def test_abstract_urls_become_links_and_code() -> None:
    text = _listing(
        "LGJun 3, 2024",
        "Robust OptimizationEugene Choi",
        "We evaluate on https://example.org/bench. Code: https://gitlab.com/a/b).",
    )
    paper = _papers(_parse(text))[0]
    assert paper.code_urls == ("https://gitlab.com/a/b",)
    assert paper.links == ("https://example.org/bench",)
    assert paper.has_code is False  # the header has no Code flag


def test_bom_crlf_trailing_spaces_and_blank_lines_are_tolerated(tmp_path: Path) -> None:
    second = ("LGMay 1, 2024", "Second GoodBo Li", "Abstract two.")
    body = (
        "\ufeff"
        + "\r\n".join([GOOD[0] + "  ", GOOD[1] + " \t", GOOD[2] + " ", "", " ", "", *second])
        + "\r\n\r\n"
    )
    path = tmp_path / "l.txt"
    path.write_bytes(body.encode("utf-8"))
    records = list(parse(path, reference_date=REF))
    assert _errors(records) == []
    papers = _papers(records)
    assert [(p.title, p.authors, p.abstract) for p in papers] == [
        ("Robust Optimization", ("Eugene Choi", "Arash Ahmadian"), "An abstract."),
        ("Second Good", ("Bo Li",), "Abstract two."),
    ]
    assert [p.source.line for p in papers if p.source] == [1, 7]


def test_malformed_entries_are_reported_with_lines_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(
        _listing(
            *GOOD,  # lines 1-3
            "XYZ not a header",  # line 4
            "stray line",  # line 5: skipped while resynchronising
            "LGFeb 30, 2024", "Impossible DateAnn Lee", "Abstract.",  # lines 6-8
            "LGMay 1, 2024", "Second GoodBo Li", "Abstract two.",  # lines 9-11
            "ZZMay 1, 2024", "Unknown CodeBo Li", "Abstract.",  # lines 12-14
            "CLMay 2, 2024", "Truncated EntryCy Young",  # lines 15-16
            "CLMay 3, 2024",  # line 17: no title either
            "CLMay 4, 2024", "no split here", "Abstract.",  # lines 18-20
            "LGApr 31", "Year-less ImpossibleAnn Lee", "Abstract.",  # lines 21-23
            "CLMay 5, 2024", "Third GoodDi Wu", "Abstract three.",  # lines 24-26
            "CLMay 6, 2024", "Ends Before AbstractEd Po",  # lines 27-28
        ),
        "utf-8",
    )  # fmt: skip
    records = list(parse(path, reference_date=REF))
    assert [p.title for p in _papers(records)] == [
        "Robust Optimization",
        "Second Good",
        "Third Good",
    ]
    assert _errors(records) == [
        f"{path}:4: unreadable header 'XYZ not a header'",
        f"{path}:6: impossible date Feb 30, 2024",
        f"{path}:12: unknown category code 'ZZ'",
        f"{path}:15: entry ends before its abstract",
        f"{path}:17: entry ends before its title",
        f"{path}:18: cannot tell the title from the authors in 'no split here'",
        f"{path}:21: impossible date Apr 31",
        f"{path}:27: entry ends before its abstract",
    ]


def test_a_file_that_ends_after_its_header(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text(_listing(*GOOD, "", "CLMay 2, 2024", ""), "utf-8")
    records = list(parse(path, reference_date=REF))
    assert len(_papers(records)) == 1
    assert _errors(records) == [f"{path}:5: entry ends before its title"]


def test_ids_are_stable_and_ignore_abstract_edits() -> None:
    one = _papers(_parse(_listing(*GOOD)))[0]
    again = _papers(_parse(_listing(*GOOD)))[0]
    edited = _papers(_parse(_listing(GOOD[0], GOOD[1], "A corrected abstract.")))[0]
    retitled = _papers(_parse(_listing(GOOD[0], "Robust OptimisationEugene Choi", GOOD[2])))[0]
    assert one.id == again.id == edited.id and one.id.startswith("ps-")
    assert retitled.id != one.id


def test_escape_sequences_are_removed() -> None:
    text = _listing(
        "LGJun 3, 2024",
        "Evil\x1b]52;c;aGFja2Vk\x07 Title\x1b[2JEve Adams",
        "Bad \x9b31m abstract\x07 \u202eend.",
    )
    records = _parse(text)
    paper = _papers(records)[0]
    assert paper.title == "Evil Title"
    assert paper.authors == ("Eve Adams",)
    assert paper.abstract == "Bad abstract end."


def test_odd_line_breaks_do_not_shift_line_numbers() -> None:
    """Only newlines end lines; a form feed or U+2028 inside a title is just whitespace."""
    text = _listing("LGJun 3, 2024", "Form\x0cFeed\u2028TitleAnn Lee", "Abstract\x85 one.", *GOOD)
    records = _parse(text)
    assert _errors(records) == []
    assert [p.source.line for p in _papers(records) if p.source] == [1, 4]
    assert _papers(records)[0].title == "FormFeed Title"


def test_format_detection() -> None:
    assert looks_like_listing("\ufeff\n\nCLSep 11, 2023Code\nTitleAnn Lee\n")
    assert looks_like_listing("LGJan 14\n")
    assert not looks_like_listing("@article{x,\n title={CLSep 11, 2023}}\n")
    assert not looks_like_listing('{"id": "2401.00001"}\n')
    assert not looks_like_listing("Title line first\nCLSep 11, 2023\n")
    assert not looks_like_listing("")


def test_an_overlong_title_line_is_an_error_not_a_stall() -> None:
    text = _listing("LGJun 3, 2024", "Ab," * 3000 + "Cy", "Abstract.", *GOOD)
    records = _parse(text)
    assert _errors(records) == ["x.txt:1: title line of 9002 characters is too long to be one"]
    assert len(_papers(records)) == 1
