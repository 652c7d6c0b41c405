"""Recognise Immigration Enforcement under any of its names and addresses (guidance G03).

"Immigration Enforcement" in the guidance means the Home Office's immigration functions taken
together: Immigration Enforcement, Border Force, UK Visas and Immigration (UKVI), the former
UK Border Agency, and anyone acting for them. Services that advise migrants are partners the
guidance wants, so a name that merely contains "immigration", "visa", "border" or "home" must
pass. Names are compared in the forms ``recognisers_normalise`` makes, which a spoofer cannot
step around (confusables, full-width letters, zero-width characters, digits for letters...).

Three outcomes:
- *certain*: a core name (Home Office, Immigration Enforcement, Border Force, UKVI, UK Border
  Agency, their acronyms and teams). Always refused; ``g03_confirmed_names`` cannot lift it.
- *unsure*: words that usually mean an enforcement body ("Visas and Immigration", "Immigration
  Removal Centre", "IE team") with nothing that marks an advice or support organisation.
  Refused with what matched, unless the coordinator lists the name in ``g03_confirmed_names``.
- nothing: not Immigration Enforcement.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from dataclasses import dataclass

from .recognisers_normalise import forms, free_text_forms

# Whole-word patterns over the word forms; each names the body the message shows.
_CERTAIN: tuple[tuple[str, str], ...] = (
    (r"\bhome ?off?ice\b", "the Home Office"),
    (r"\bho (immigration|ie|enforcement)\b", "the Home Office (immigration)"),
    (r"\bh ?o ?i ?e\b", "Home Office Immigration Enforcement"),
    (r"\bim+igr?ation ?(and )?enforce?me?nts?\b", "Immigration Enforcement"),
    (r"\bimmigration compliance( and (enforcement|engagement))?\b",
     "Immigration Enforcement (Immigration Compliance and Enforcement teams)"),
    (r"\bimmigration (officers?|officials?|intelligence|enforcement)\b", "Immigration Enforcement"),
    (r"\bimmigration and nationality (directorate|department)\b", "the Home Office (immigration)"),
    (r"\bu ?k ?v ?i\b", "UK Visas and Immigration"),
    (r"\buk visas? (and )?immigration\b", "UK Visas and Immigration"),
    (r"\bborder ?force\b", "Border Force"),
    (r"\bu ?k ?b ?f\b", "Border Force"),
    (r"\bborder security command\b", "the Home Office's Border Security Command"),
    (r"\buk ?border ?agency\b", "the UK Border Agency (now Border Force and UKVI)"),
    (r"\bborder and immigration agency\b", "the Border and Immigration Agency (now UKVI)"),
    (r"\bu ?k ?b ?a\b", "the UK Border Agency (now Border Force and UKVI)"),
    (r"\bnrpf ?connect\b", "NRPF Connect (a Home Office service within Immigration Enforcement)"),
    # Abbreviated: "Immigration Enf.", "Imm. Enforcement".
    (r"\bimm(igration)? enf(orcement)?\b", "Immigration Enforcement"),
    # The department's legal name (its Secretary of State is the party in immigration law).
    (r"\bsecretary of state for the home department\b", "the Home Office (its Secretary of State)"),
    (r"\bs ?s ?h ?d\b", "the Home Office (its Secretary of State)"),
    # Welsh, for Maracs in Wales: Y Swyddfa Gartref, Gorfodi Mewnfudo, Llu'r Ffiniau, Fisâu a Mewnfudo y DU.
    (r"\bswyddfa ?gartref\b", "the Home Office (Y Swyddfa Gartref)"),
    (r"\bgorfodi ?mewnfudo\b|\bmewnfudo (a )?gorfodi\b", "Immigration Enforcement (Gorfodi Mewnfudo)"),
    (r"\bllu ?r ?ffiniau\b", "Border Force (Llu'r Ffiniau)"),
    (r"\bfisau (a )?mewnfudo\b", "UK Visas and Immigration (Fisâu a Mewnfudo y DU)"),
)
# In free text, where a bare "IE", "ICE" or "HO" could mean anything, the abbreviation counts as a
# core name only where the sentence has it attend, receive or be told: "IE attends", "copied to the HO".
_ABBREVIATION = r"(i ?e|ice|ho|hoie)"
_CERTAIN_IN_TEXT: tuple[tuple[str, str], ...] = (
    (rf"\b(the )?{_ABBREVIATION}( team| teams| officers?| staff| liaison)? (attends?|attending|attended|"
     r"receives?|receiving|received|gets?|sees?|is (sent|told|given|informed|notified|copied|invited|present)|"
     r"are (sent|told|given|informed|notified|copied|invited|present)|will (attend|receive|see|get|be (sent|told|"
     r"given|informed|notified|copied|invited|present))|may (attend|receive|see|be (sent|told|informed|notified|"
     r"copied|invited)))\b", "Immigration Enforcement (IE)"),
    (rf"\b(sent|send|sends|copied|copy|copies|reported|report|reports|referred|refer|refers|notified|notify|"
     rf"notifies|shared|share|shares|forwarded|forward|forwards|passed|pass|passes|given|disclosed|disclose|"
     rf"discloses|told|tell|tells|inform|informs|informed|invite|invites|invited) (on |back )?(with |to )?"
     rf"(the )?{_ABBREVIATION}\b", "Immigration Enforcement (IE)"),
)
# The same names with every separator removed: catches "Immi<zero-width space>gration".
_CERTAIN_COMPACT: tuple[tuple[str, str], ...] = (
    (r"homeoffice", "the Home Office"),
    (r"im+igr?ation(and)?enforce?me?nt", "Immigration Enforcement"),
    (r"borderforce", "Border Force"),
    (r"ukvisas?(and)?immigration", "UK Visas and Immigration"),
    (r"ukborderagency", "the UK Border Agency (now Border Force and UKVI)"),
)
_UNSURE: tuple[tuple[str, str], ...] = (
    (r"\bvisas? (and )?immigration\b", "UK Visas and Immigration"),
    (r"\buk visas?\b", "UK Visas and Immigration"),
    (r"\bimmigration (control|controls|removals?|removal centre|detention|team|unit|services?|"
     r"department|directorate|liaison|checks?|status checks?|office|authorit(y|ies)|casework|"
     r"reporting( centre)?)\b", "Immigration Enforcement"),
    (r"\bborder (control|agency|security|officers?|staff)\b", "Border Force"),
    (r"^(the )?(i ?e|ice|ho)( team| unit| officers?)?$", "Immigration Enforcement (IE)"),

    (r"^(the )?immigration$", "Immigration Enforcement"),
    (r"\bimmigration\b.*\benforcement\b|\benforcement\b.*\bimmigration\b", "Immigration Enforcement"),
)
# Words that mark an organisation advising or supporting migrants rather than enforcing.
_SUPPORT = re.compile(
    r"\b(advice|adviser|advisers|advisor|advisors|advisory|advocacy|advocates?|law|laws|legal|"
    r"lawyers?|solicitors?|clinics?|visitors?|visiting|support|rights|aid|charity|project|"
    r"network|refugees?|migrants?|asylum|welfare|justice|detainees|helpline|befriending|"
    r"campaign|practitioners|women|womens|citizens|action|sanctuary|casework service)\b")

_C_CERTAIN = tuple((re.compile(p), label) for p, label in _CERTAIN)
_C_COMPACT = tuple((re.compile(p), label) for p, label in _CERTAIN_COMPACT)
_C_UNSURE = tuple((re.compile(p), label) for p, label in _UNSURE)
_C_IN_TEXT = tuple((re.compile(p), label) for p, label in _CERTAIN_IN_TEXT)
# Abbreviations inside a longer name: "IE North West", "ICE Team North", "IE/ICE". Read as typed
# only, never with digits read as letters ("Agency 13" is not "Agency IE"). A bare "Ho" is a
# surname, so it counts only beside a word of an office.
_C_UNSURE_AS_TYPED = tuple((re.compile(p), label) for p, label in (
    (r"\b(i e|ie|ice)\b", "Immigration Enforcement (IE)"),
    (r"\bho (team|teams|unit|liaison|officers?|staff|contact|enforcement|immigration|compliance)\b",
     "the Home Office (HO)"),
))

# Mail and web domains of the Home Office, refused with every domain under them. Where the list
# comes from (checked 2 December 2026 against the public pages named here):
# - homeoffice.gov.uk is the Home Office's own mail and web domain. UK Visas and Immigration,
#   Border Force and Immigration Enforcement are not separate bodies with domains of their own
#   but parts of the department: UKCISA's introduction to immigration says "UK Visas and
#   Immigration is part of the Home Office" and calls Border Force "a law enforcement command
#   within the Home Office" (moodle.ukcisa.org.uk/course_files/ui_2015/introduction-to-immigration/
#   3b.html), and the Home Office's list of directorates includes Border Force and Immigration
#   Enforcement (en.wikipedia.org/wiki/Home_Office, citing GOV.UK). Their staff's
#   addresses are therefore at this domain or under it.
# - homeoffice.gsi.gov.uk and homeoffice.x.gsi.gov.uk are the department's addresses on the old
#   Government Secure Intranet. The Cabinet Office asked every department to stop using the "gsi"
#   family of domains by March 2019 (Government Digital Service, "Why government email is
#   changing (for the better)", civilservice.blog.gov.uk, 14 December 2017), but the old addresses
#   still appear in contact lists copied from older protocols.
# Any other domain (a gov.uk name such as borderforce.gov.uk or ukvi.gov.uk, or a service such
# as visas-immigration.service.gov.uk) is refused when its labels read as one of the names
# above, so no list of such names is kept here: a new service name is caught by its words.
HOME_OFFICE_DOMAINS = ("homeoffice.gov.uk", "homeoffice.gsi.gov.uk", "homeoffice.x.gsi.gov.uk")
# GOV.UK pages of the bodies (www.gov.uk/government/organisations/<slug>) are read by the same
# name patterns: home-office, uk-visas-and-immigration, border-force, immigration-enforcement.


@dataclass(frozen=True)
class Match:
    """What a text was recognised as: the body, whether certain, and the words that matched."""

    body: str
    certain: bool
    matched: str

    def describe(self, value: str) -> str:
        """Return "'value' names BODY" (with what matched when the text was disguised)."""
        shown = f" (read as '{self.matched}')" if self.matched.casefold() not in value.casefold() else ""
        return f"'{value}'{shown} names {self.body}"


def confirmation_key(text: str) -> str:
    """Return the form under which a name in ``g03_confirmed_names`` is compared."""
    return forms(text).joined


# Every pattern above needs one of these in a compact form (symbols as gaps or letters, digits
# and "l" read as letters), or
# a short name (the bare acronyms): a name with neither is passed without running them all.
_KEYWORDS = ("home", "fice", "mig", "enforc", "border", "visa", "ukvi", "ukb", "hoie", "nrpf", "nationa",
             "imm", "enf", "sshd", "swyddfa", "gartref", "mewnfudo", "ffiniau", "fisau")
_SHORT_NAME = 12


def _may_match(shape) -> bool:
    if len(shape.compact) <= _SHORT_NAME:
        return True
    return any(keyword in variant for variant in shape.compact_variants for keyword in _KEYWORDS)


@functools.lru_cache(maxsize=8192)
def recognise_name(text: str | None, confirmed: frozenset[str] = frozenset()) -> Match | None:
    """Return how ``text`` (a name or role) names Immigration Enforcement, or None.

    An *unsure* match is dropped when the name carries a word of an advice or support
    organisation, or when its ``confirmation_key`` is in ``confirmed``.
    """
    if not text:
        return None
    shape = forms(text)
    if not _may_match(shape):
        return None
    certain = _certain(shape)
    if certain:
        return certain
    if shape.joined in confirmed or any(_SUPPORT.search(v) for v in shape.variants[:2]):
        return None
    for variant in shape.variants:
        for pattern, body in _C_UNSURE:
            found = pattern.search(variant)
            if found:
                return Match(body, False, found.group(0))
    for variant in (shape.words, shape.joined):
        for pattern, body in _C_UNSURE_AS_TYPED:
            found = pattern.search(variant)
            if found:
                return Match(body, False, found.group(0))
    return None


def _certain(shape) -> Match | None:
    """Return the first core name in the word forms, then in the compact forms, or None."""
    for variant in shape.variants:
        for pattern, body in _C_CERTAIN:
            found = pattern.search(variant)
            if found:
                return Match(body, True, found.group(0))
    for variant in shape.compact_variants:
        for pattern, body in _C_COMPACT:
            found = pattern.search(variant)
            if found:
                return Match(body, True, found.group(0))
    return None


def recognise_free_text(text: str | None) -> Match | None:
    """Return the first core Immigration Enforcement name in a paragraph, or None.

    Only *certain* names count: a paragraph may say "immigration advice" or "border".
    """
    if not text:
        return None
    for destination in _LINK_DESTINATION.findall(text):  # "[advice](https://www.homeoffice.gov.uk)"
        found = recognise_url(destination) or recognise_email(destination.removeprefix("mailto:"))
        if found and found.certain:
            return found
    phrases = free_text_forms(text)
    if not _may_match(forms(text)) and not any(_ABBREVIATION_WORD.search(p.words) for p in phrases):
        return None  # the whole text first: most have no keyword
    for phrase in phrases:
        if _may_match(phrase):
            found = _certain(phrase)
            if found:
                return found
        for variant in (phrase.words, phrase.joined):  # as typed: "13 attend" is a number
            for pattern, body in _C_IN_TEXT:
                hit = pattern.search(variant)
                if hit:
                    return Match(body, True, hit.group(0))
    return None


_LINK_DESTINATION = re.compile(r"\]\(\s*<?([^)\s>]+)")
_ABBREVIATION_WORD = re.compile(r"\b(ie|ice|ho|hoie|i e)\b")


def _domain_labels(domain: str) -> str:
    """Return a domain decoded from IDNA (xn--) where it is, lower case, without a final dot."""
    domain = domain.strip().rstrip(".").casefold()
    try:
        return domain.encode("ascii").decode("idna") if "xn--" in domain else domain
    except UnicodeError:
        return domain


@functools.lru_cache(maxsize=4096)
def recognise_domain(domain: str | None) -> Match | None:
    """Return how a mail or web domain belongs to the Home Office, or None."""
    if not domain:
        return None
    decoded = _domain_labels(domain)
    labels = [forms(label).compact for label in decoded.split(".")]
    for known in HOME_OFFICE_DOMAINS:
        wanted = known.split(".")
        if labels[-len(wanted):] == wanted:
            return Match(f"the Home Office ({known})", True, decoded)
    name = recognise_name(decoded.replace(".", " "))
    if name:
        return Match(name.body, name.certain, decoded)
    return None


def recognise_email(address: str | None) -> Match | None:
    """Return how an email address reaches Immigration Enforcement: by a Home Office domain,
    a domain whose name reads as one, or a mailbox name that does ("ukvi.liaison@...")."""
    if not address or "@" not in address:
        return None
    local, _, domain = address.rpartition("@")
    by_domain = recognise_domain(domain)
    if by_domain:
        return by_domain
    # A mailbox called "immigration@" at a law centre is fine; only a core name counts here.
    by_mailbox = recognise_name(local)
    return by_mailbox if by_mailbox and by_mailbox.certain else None


_URL = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^@/?#]*@)?([^/:?#]+)(?::\d+)?([^?#]*)", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def recognise_url(url: str | None) -> Match | None:
    """Return how a web address belongs to Immigration Enforcement (host or GOV.UK page), or None."""
    if not url:
        return None
    # As a browser reads it: "%2D" is "-" (RFC 3986 lets any character be percent-encoded, so
    # "home%2Doffice" is the same page as "home-office"), and "\\" is "/" (so the host of
    # "https://www.homeoffice.gov.uk\\@elsewhere.example/" is www.homeoffice.gov.uk).
    url = urllib.parse.unquote(url.strip()).replace("\\", "/")
    found = _URL.match(url)
    if not found:
        return recognise_name(url)
    host, path = found.groups()
    by_host = recognise_domain(host)
    if by_host:
        return by_host
    for segment in path.split("/"):
        match = recognise_name(segment)
        if match and match.certain:
            return Match(match.body, True, url)
    return None


def immigration_enforcement_name(text: str | None) -> str | None:
    """Return which Immigration Enforcement body ``text`` names (certain or unsure), or None."""
    match = recognise_name(text)
    return match.body if match else None


def immigration_enforcement_email(address: str | None) -> str | None:
    """Return the Home Office body an email address belongs to, or None."""
    match = recognise_email(address)
    return match.body if match else None
