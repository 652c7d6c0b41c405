"""Turn a name into the forms the Immigration Enforcement recogniser compares (guidance G03).

A spoofer can write "Home Office" with a Cyrillic "о", full-width or mathematical letters,
a ligature, a combining accent, a zero-width or no-break space, dots or hyphens inside and
between words, digits for letters ("H0me 0ffice") or spaced acronyms ("U K V I"). Each of
those steps is undone here, in this order:

1. NFKC: full-width, mathematical, circled and superscript letters and ligatures become plain
   letters; no-break and other spaces become spaces.
2. Case folding, then NFD with combining marks dropped (a mark sits on a letter, so dropping it
   never joins two words).
3. The UTS #39 confusables table (the maintained ``confusable-homoglyphs`` package) maps a
   letter of another script to the Latin letter it looks like. It is loaded only when a
   letter outside ASCII remains, so a plain-ASCII Marac pays nothing for it. A letter the
   table leaves as it is (a stroke or bar through it, "ø", "ħ", "ŧ", "ƀ", "ɨ"; a hook, "ɱ";
   small capitals, "ᴇ", "ᴍ", "ʜ") is then transliterated by the maintained ``anyascii``
   package, so "Immigratiøn Enførcement" and "ʜᴏᴍᴇ ᴏғғɪᴄᴇ" read as what they spell. A few
   letters are read by their look before that (``_LOOKS_LIKE``: Cyrillic "ғ" looks like "f",
   where anyascii spells its sound).
4. Format characters (zero-width spaces and joiners, soft hyphens), punctuation, symbols and
   spaces are *separators*: never deleted, so that "Immigration.Enforcement" stays two words.
   "&" and "+" read "and".
5. Runs of single letters are joined: "u k v i" and "u k b a" become one acronym (the
   recogniser's acronym patterns also allow "uk vi").

``Forms`` also gives the text with every separator removed (``compact``), which catches a
separator pushed into the middle of a word ("Immi\u200bgration"), and ``variants`` with
digits read as letters and "l"/"rn" read as "i"/"m".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

_AND = {"&": " and ", "+": " and ", "＆": " and "}
# Digits and symbols people type for letters. "1" is read as "i": no core name has an "l"
# ("l" for "I" is handled by the second variant).
_DIGITS = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                         "9": "g", "@": "a", "$": "s", "|": "i", "!": "i", "€": "e", "£": "e"})
_LETTER_SYMBOLS = frozenset("@$|!€£")
# Plain ASCII (most names) in one str.translate: NFKC, marks and confusables do not apply.
_ASCII = {code: (chr(code).lower() if chr(code).isalnum() or chr(code) in _LETTER_SYMBOLS
                 else _AND.get(chr(code), " ")) for code in range(128)}


@dataclass(frozen=True)
class Forms:
    """The comparable forms of one text: words (space-separated) and separator-free."""

    words: str
    joined: str
    compact: str

    @functools.cached_property
    def variants(self) -> tuple[str, ...]:
        """Return the word forms (acronyms apart and joined), as typed and with digits,
        "l" and "rn" read as letters."""
        return tuple(dict.fromkeys(v for base in (self.words, self.joined) for v in _loosen(base, " ")))

    @functools.cached_property
    def compact_variants(self) -> tuple[str, ...]:
        """Return the separator-free form as typed and with digits and look-alikes read."""
        return _loosen(self.compact, "") if self.compact else ()


def _loosen(text: str, gap: str) -> tuple[str, ...]:
    """Return ``text`` with symbols as separators ("Home|Office"), then with digits and
    symbols read as letters ("H0me 0ff|ce"), then also "l" as "i" and "rn" as "m"."""
    as_typed = text.translate({ord(symbol): gap for symbol in _LETTER_SYMBOLS})
    if gap == " ":
        as_typed = " ".join(as_typed.split())
    out = [as_typed]
    for digits in (as_typed.translate(_DIGITS), text.translate(_DIGITS)):
        out += [digits, digits.replace("rn", "m").replace("l", "i").replace("vv", "w")]
    return tuple(dict.fromkeys(out))


@functools.lru_cache(maxsize=1)
def _confusables() -> dict[str, str]:
    """Return {character: the ASCII letter or digit it is confusable with} from the UTS #39 data
    of ``confusable-homoglyphs``. The package's 900 kB table takes 30 ms to load, so the
    1,500 entries used here are kept in marac's cache folder, keyed by the package's data file."""
    import contextlib
    import importlib.util
    import json
    import os

    from ..atomic import UnreadableFile, read_bounded, write_atomic
    from ..settings.cache import cache_dir

    spec = importlib.util.find_spec("confusable_homoglyphs")
    data = os.path.join(os.path.dirname(spec.origin), "confusables.json") if spec and spec.origin else ""
    folder = cache_dir()
    entry = None
    if folder is not None and data:
        stat = os.stat(data)
        entry = folder / f"confusables-{stat.st_size}-{int(stat.st_mtime)}.json"
        try:
            # Bounded, and regular files only: an entry replaced by a link to a device is a miss.
            table = json.loads(read_bounded(entry, 1_000_000))
            # Only a table of the shape written below is used; anything else is rebuilt from the
            # package's own data, so a damaged cache can never weaken the G03 check. (A key may be
            # longer than one character: the package wraps right-to-left letters in direction marks.)
            if (isinstance(table, dict) and len(table) >= 1000
                    and all(isinstance(k, str) and 0 < len(k) <= 4 and not k.isascii() and isinstance(v, str)
                            and v.isascii() and v.isalnum() for k, v in table.items())):
                return table
        except (UnreadableFile, ValueError):
            pass
    from confusable_homoglyphs import confusables

    table = {}
    for char, glyphs in confusables.confusables_data.items():
        if char.isascii():
            continue
        for glyph in glyphs:
            candidate = glyph.get("c", "")
            if candidate and candidate.isascii() and candidate.isalnum():
                table[char] = candidate.casefold()
                break
    if entry is not None:
        with contextlib.suppress(OSError):  # the cache is an optimisation only
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(entry, json.dumps(table, ensure_ascii=False).encode("utf-8"))
    return table


# Letters that look like a Latin letter but that neither the confusables table nor anyascii reads
# so: anyascii gives the sound of a letter of another script, not its look.
_LOOKS_LIKE = {"℮": "e", "ℯ": "e", "ℴ": "o", "ℎ": "h", "ғ": "f", "Ғ": "f", "ӻ": "f", "Ӻ": "f", "ҥ": "h", "Ҥ": "h", "ћ": "h", "Ћ": "h",
               "ђ": "h", "Ђ": "h", "ӊ": "h", "Ӊ": "h", "ӈ": "h", "Ӈ": "h"}


def _latin_for(char: str) -> str:
    """Return the ASCII letters or digits ``char`` is confusable with, or ``char`` itself."""
    return _LOOKS_LIKE.get(char) or _confusables().get(char, char)


# Letters that print as blank space (Hangul fillers, Braille blank): a space, never part of a word.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _transliterated(char: str) -> str:
    """Return ``char`` spelt in ASCII letters and digits by anyascii (lower case), or a space
    when it has no such spelling (a letter nobody can read as Latin separates words, as a
    space would). Only letters and digits are kept: anyascii writes some letters with
    punctuation, which would split a word."""
    from anyascii import anyascii

    spelt = "".join(c for c in anyascii(char) if c.isascii() and c.isalnum()).casefold()
    return spelt or " "


def skeleton(text: str) -> str:
    """Return ``text`` folded to plain lower-case letters and separators (steps 1-4)."""
    if text.isascii():
        return text.translate(_ASCII)
    composed = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for char in unicodedata.normalize("NFD", composed):
        if char.isascii():
            if char.isalnum() or char in _LETTER_SYMBOLS:
                out.append(char.lower())
            else:
                out.append(_AND.get(char, " "))
            continue
        category = unicodedata.category(char)
        if category[0] == "M":
            continue
        if char in _BLANK_LETTERS:
            out.append(" ")
        elif char in _LOOKS_LIKE:  # a symbol drawn as a letter ("℮")
            out.append(_LOOKS_LIKE[char])
        elif category[0] in "LN":
            # Looked up before case folding: Greek capital beta looks like B, small beta not.
            latin = _latin_for(char)
            if latin == char:
                latin = _latin_for(char.casefold())
            if latin == char or not latin.isascii():
                latin = _transliterated(latin.casefold() if latin == char else latin)
            # A confusable may itself carry marks (e.g. a Latin letter with a dot): strip them.
            out.append("".join(c for c in unicodedata.normalize("NFD", latin)
                               if not unicodedata.category(c).startswith("M")).casefold())
        else:  # format (zero-width), spaces, punctuation, symbols: a separator, never deleted
            out.append(_AND.get(char, " "))
    return "".join(out)


def _join_acronyms(words: list[str]) -> list[str]:
    joined: list[str] = []
    run: list[str] = []
    for word in words + [""]:
        if len(word) == 1:
            run.append(word)
            continue
        if len(run) >= 2:
            joined.append("".join(run))
        else:
            joined.extend(run)
        run = []
        if word:
            joined.append(word)
    return joined


@functools.lru_cache(maxsize=8192)
def forms(text: str) -> Forms:
    """Return the word and compact forms of a name (see the module docstring)."""
    words = skeleton(text).split()
    return Forms(" ".join(words), " ".join(_join_acronyms(words)), "".join(words))


# A phrase ends at punctuation after a word of two letters or more, followed by a space:
# "at home. Office hours" is two phrases; "H.O.M.E. O.F.F.I.C.E." and "U. K. V. I." one.
_SENTENCE_BREAK = re.compile(r"(?<=[^\W\d_]{2})[.,;:!?]+(?=\s|$)")
# Where the printed text breaks too: a blank line (a new paragraph) or a new list item. A single
# line break does not: Markdown joins the two lines into one sentence on the page.
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t])")
# "[label](destination)": the page shows the label only (the destination is checked as a link).
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_printed(text: str) -> list[str]:
    """Return the blocks of a paragraph of clause text as the page prints them: one string per
    paragraph or list item, a line break inside one read as a space, a link as its label, and
    character references ("&#105;", "&amp;") and backslash escapes read as the characters they
    stand for, as the Markdown writer does. Refuses nothing."""
    import html

    text = _LINK.sub(lambda found: f"{found.group(1)} ", text)
    text = _ESCAPE.sub(lambda found: found.group(1), html.unescape(text))
    return [block.replace("\n", " ").replace("\r", " ") for block in _BLOCK_BREAK.split(text.replace("\r\n", "\n"))]


def free_text_forms(text: str) -> list[Forms]:
    """Return the forms of each phrase of a paragraph as printed (``as_printed``), split where
    punctuation is followed by a space, so "at home. Office hours" is two phrases but
    "Immigration.Enforcement" one.

    Unlike ``forms``, format characters (zero-width) are deleted rather than separating, and
    the compact form is of one phrase, never across a sentence break."""
    phrases = []
    for block in as_printed(text):
        without_format = "".join(c for c in block if unicodedata.category(c) != "Cf")
        for phrase in _SENTENCE_BREAK.split(without_format):
            words = skeleton(phrase).split()
            if words:
                phrases.append(Forms(" ".join(words), " ".join(_join_acronyms(words)), "".join(words)))
    return phrases
