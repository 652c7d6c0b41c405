"""Recognise Immigration Enforcement under any of its names (guidance G03).

"Immigration Enforcement" in the guidance means the Home Office, Border Force and UK
Visas and Immigration taken together. Services that advise migrants are partners the
guidance wants, so a name that merely contains "immigration", "border" or "home" must
pass: only the phrases below, matched as whole words after normalising case, accents,
punctuation and "&", are refused.
"""

from __future__ import annotations

import re
import unicodedata

# Each pattern runs over a normalised name: lower case, ASCII, dots removed (U.K.V.I. -> ukvi),
# every other non-alphanumeric run turned into one space.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"\bhome ?office\b", "the Home Office"),
    (r"\bho immigration\b", "the Home Office (immigration)"),
    (r"\bim+igr?ation enforce?ments?\b", "Immigration Enforcement"),
    (r"\bimmigration and enforcement\b", "Immigration Enforcement"),
    (r"\bimmigration compliance and (enforcement|engagement)\b", "Immigration Enforcement (ICE teams)"),
    (r"\bimmigration (officers?|control|removals?|intelligence|enforcement team)\b",
     "Immigration Enforcement"),
    (r"\bimmigration and nationality directorate\b", "the Home Office (immigration)"),
    (r"\bhoie\b", "Home Office Immigration Enforcement"),
    (r"^i ?e( team| unit)?$", "Immigration Enforcement (IE)"),
    (r"\bukvi\b", "UK Visas and Immigration"),
    (r"\b(uk )?visas? and immigration\b", "UK Visas and Immigration"),
    (r"\bborder ?force\b", "Border Force"),
    (r"\bukbf\b", "Border Force"),
    (r"\b(uk )?border ?agency\b", "the UK Border Agency (now Border Force and UKVI)"),
    (r"\bukba\b", "the UK Border Agency (now Border Force and UKVI)"),
)
_COMPILED = tuple((re.compile(pattern), label) for pattern, label in _PATTERNS)

# Government mail domains of the Home Office and its immigration functions.
_DOMAINS = ("homeoffice.gov.uk", "ukvi.gov.uk", "borderforce.gov.uk", "homeoffice.x.gsi.gov.uk")


def normalise_name(text: str) -> str:
    """Return ``text`` lower-cased, accent-free, with '&' as 'and' and punctuation as spaces."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    folded = folded.replace("&", " and ").replace(".", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


def immigration_enforcement_name(text: str | None) -> str | None:
    """Return which Immigration Enforcement body ``text`` names, or None if it names none."""
    if not text:
        return None
    normalised = normalise_name(text)
    for pattern, label in _COMPILED:
        if pattern.search(normalised):
            return label
    return None


def immigration_enforcement_email(address: str | None) -> str | None:
    """Return the Home Office domain an email address belongs to, or None."""
    if not address or "@" not in address:
        return None
    domain = address.rsplit("@", 1)[1].strip().lower().rstrip(".")
    for forbidden in _DOMAINS:
        if domain == forbidden or domain.endswith("." + forbidden):
            return forbidden
    return None
