"""LaTeX in titles, abstracts and names, made readable: `Bal\\'azs` -> Balázs, `$\\lambda$` -> λ.

Only what appears in paper metadata is handled: accents, special letters, font commands, Greek
letters and common math symbols. Anything else is left as written rather than guessed at, and
the original text is kept separately where a citation needs it.
"""

from __future__ import annotations

import re
import unicodedata

# Accent commands -> combining characters.
_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}
_LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å",
    "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ",
    "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
}  # fmt: skip
_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "φ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "infty": "∞", "leq": "≤", "le": "≤", "geq": "≥",
    "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃", "equiv": "≡",
    "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "Rightarrow": "⇒", "leftrightarrow": "↔", "mapsto": "↦", "in": "∈",
    "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "forall": "∀",
    "exists": "∃", "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫",
    "sqrt": "√", "ell": "ℓ", "hbar": "ℏ", "propto": "∝", "ll": "≪", "gg": "≫", "circ": "∘",
    "ldots": "…", "dots": "…", "cdots": "⋯", "langle": "⟨", "rangle": "⟩", "deg": "°",
    "log": "log", "ln": "ln", "exp": "exp", "sin": "sin", "cos": "cos", "max": "max",
    "min": "min", "lim": "lim", "sup": "sup", "inf": "inf", "det": "det", "dagger": "†",
    "textendash": "–", "textemdash": "—", "textregistered": "®", "copyright": "©",
    "S": "§", "P": "¶", "dag": "†", "ddag": "‡",
    "pounds": "£", "euro": "€", "quad": " ", "qquad": " ", "AA": "Å",
}  # fmt: skip
# Commands whose argument is shown as it is: fonts, emphasis, boxes.
_KEEP_ARGUMENT = (
    "emph|textit|textbf|textrm|textsf|texttt|textsc|textup|textnormal|text|mathrm|mathbf|mathit|"
    "mathsf|mathtt|mathcal|mathbb|mathfrak|mathscr|boldsymbol|bm|operatorname|mbox|hbox|"
    "underline|overline|widetilde|widehat|tilde|hat|bar|vec|dot|ddot|textsuperscript|"
    "textsubscript|url|nolinkurl|ensuremath"
)

_ACCENT_RE = re.compile(
    r"\\(?P<cmd>['`^\"~=.]|[uvHckrdb](?![A-Za-z]))\s*(?:\{(?P<braced>\\?[A-Za-z]?)\}|(?P<bare>\\?[A-Za-z]))"
)
_BRACED_ACCENT_RE = re.compile(r"\{(\\['`^\"~=.uvHckrdb]\s*\{?\\?[A-Za-z]\}?)\}")
_LETTER_RE = re.compile(
    r"\\(" + "|".join(sorted(_LETTERS, key=len, reverse=True)) + r")(?![A-Za-z])"
)
_KEEP_RE = re.compile(r"\\(?:" + _KEEP_ARGUMENT + r")\s*\{([^{}]*)\}")
_FONT_SWITCH_RE = re.compile(r"\{\\(?:em|it|bf|rm|sf|tt|sc|sl|bfseries|itshape)\s+([^{}]*)\}")
_SYMBOL_RE = re.compile(r"\\([A-Za-z]+)(?![A-Za-z])")
# Characters written so that they stand for themselves: `\{`, `\%`, `\textbackslash{}`, `\^{}`.
# They are set aside before anything else is read, so that no later step takes them for syntax:
# the `\` of `\textbackslash{}textbf` begins no command, an escaped brace is no group, and the
# tilde of `\textasciitilde{}` is no tie. A doubled backslash (a line break) is matched first, so
# that `\\{` is a line break followed by a group.
_LITERAL_WORDS = {
    "textbackslash": "\\",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textbraceleft": "{",
    "textbraceright": "}",
}
_LITERAL_RE = re.compile(
    r"(?P<break>\\\\)"
    r"|\\(?P<word>" + "|".join(_LITERAL_WORDS) + r")(?![A-Za-z])\s*(?:\{\})?"
    r"|\\(?P<accent>[~^])\{\}"
    r"|\\(?P<char>[{}%&#_$])"
    r"|(?P<own>\ue000)"
)
_PLACEHOLDER = "\ue000"
"""Stands for a set-aside character while the rest is read. The private-use character is set
aside too where the input holds it already, so that each placeholder is put back in order."""
_PLACEHOLDER_RE = re.compile(_PLACEHOLDER)
_HREF_RE = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{([^{}]*)\}")


def _accent(m: re.Match[str]) -> str:
    base = m.group("braced") if m.group("braced") is not None else m.group("bare")
    base = base.lstrip("\\")
    base = {"i": "i", "j": "j"}.get(base, base)
    if not base:
        return m.group(0)
    return unicodedata.normalize("NFC", base + _ACCENTS[m.group("cmd")])


def _symbol(m: re.Match[str]) -> str:
    name = m.group(1)
    return _SYMBOLS.get(name, m.group(0))


def latex_to_unicode(text: str) -> str:
    """Readable text from LaTeX source; commands it does not know are left as written."""
    if not any(mark in text for mark in ("\\", "$", "{", "~", "--", "``")):
        return text
    literals: list[str] = []

    def set_aside(m: re.Match[str]) -> str:
        if m.group("break"):
            return " "  # a line break; first, so that `\\{x}` is a break and a group
        word = m.group("word")
        literals.append(_LITERAL_WORDS[word] if word else m.group(m.lastgroup or 0))
        return _PLACEHOLDER

    out = _LITERAL_RE.sub(set_aside, text)
    out = _HREF_RE.sub(r"\2", out)  # the link text; the URL is the importer's business
    out = _BRACED_ACCENT_RE.sub(r"\1", out)
    out = _ACCENT_RE.sub(_accent, out)
    out = _LETTER_RE.sub(lambda m: _LETTERS[m.group(1)], out)
    for _ in range(3):  # nested \emph{\textbf{x}}
        out = _KEEP_RE.sub(r"\1", out)
        out = _FONT_SWITCH_RE.sub(r"\1", out)
    out = _SYMBOL_RE.sub(_symbol, out)
    out = re.sub(r"(?<!\\)\$", "", out)  # math delimiters (an escaped \$ is set aside)
    out = out.replace("\\ ", " ")  # a control space
    out = out.replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    # A tie is a space ("Fig.~3", "et~al."), but in plain-text abstracts "~" before a number
    # means "about" (z~2.56, ~100 GeV) and stays.
    out = re.sub(r"(?<!\\)(?<![.])~(?=\s*[\d.])", "\x00", out)
    out = re.sub(r"(?<!\\)~", " ", out).replace("\x00", "~")
    out = re.sub(r"(?<!\\)[{}]", "", out)  # grouping braces ({LLMs}) protect case in BibTeX only
    out = re.sub(r"[ \t]{2,}", " ", out)
    if literals:
        put_back = iter(literals)
        out = _PLACEHOLDER_RE.sub(lambda _: next(put_back, ""), out)
    return out
