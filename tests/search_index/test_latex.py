"""LaTeX made readable: accents, letters, fonts, Greek and math, escapes."""

from __future__ import annotations

import pytest

from search_index.latex import latex_to_unicode


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        (r"Bal\'azs", "Balázs"),
        (r"Djokovi\'{c}", "Djoković"),
        (r"{\"U}st{\"u}n", "Üstün"),
        (r"Erd\H{o}s and G\"odel", "Erdős and Gödel"),
        (r"\c{C}elik \v{S}koda", "Çelik Škoda"),
        (r"\ss{} and \o", "ß and ø"),
        (r"$\lambda$-models", "λ-models"),
        (r"$\alpha$-$\beta$ pruning", "α-β pruning"),
        (r"$O(n^2)$ time", "O(n^2) time"),
        (r"\emph{a predictive} method", "a predictive method"),
        (r"{\em Ab initio} study", "Ab initio study"),
        (r"\textbf{\emph{nested}}", "nested"),
        (r"{LLMs} at {S}cale", "LLMs at Scale"),
        (r"100\% of \& more", "100% of & more"),
        (r"cost \$5 and $x$", "cost $5 and x"),
        ("pages 1--10 --- done", "pages 1–10 — done"),
        (r"i.i.d.\ samples", "i.i.d. samples"),
        (r"Schr\"{o}dinger~equation", "Schrödinger equation"),
        (
            r"\unknowncommand{x} stays",
            r"\unknowncommand{x} stays".replace("{", "").replace("}", ""),
        ),
        ("plain text", "plain text"),
        # Characters written to stand for themselves, as our BibTeX export writes them.
        (r"a\textbackslash{}textbf\{x\} \textbackslash y", r"a\textbf{x} \y"),
        (r"x\textasciitilde{}y x\textasciitilde{}2 \textasciicircum{} \^{} \~{}", "x~y x~2 ^ ^ ~"),
        (r"a-{}-b a-{}-{}-b `{}`q'{}'", "a--b a---b ``q''"),
        (r"\textbraceleft{} and \textbraceright", "{ and }"),
        (r"$\{0,1\}^n$ strings", "{0,1}^n strings"),
        (r"line\\{x}", "line x"),
        ("\ue000 \\{ \ue000", "\ue000 { \ue000"),
    ],
)
def test_latex_to_unicode(source: str, shown: str) -> None:
    assert latex_to_unicode(source) == shown
