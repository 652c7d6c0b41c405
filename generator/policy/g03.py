"""Guidance G03: no Marac information reaches Immigration Enforcement, by any field or route.

Pure: validated settings in, findings out. The fields checked are found by their type in the
settings schema (``settings.recipient_types``), never by a list kept here. Also used by the
commands that take names from elsewhere than marac.yaml: ``marac sign`` (signatory name and
role) and ``signatures import`` (the certificate's subject).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

from ..errors import Problem
from ..settings.loader import LoadedSettings
from ..settings.recipient_types import recipient_values
from .recognisers_normalise import forms
from .recognisers import (Match, confirmation_key, recognise_email, recognise_free_text,
                          recognise_name, recognise_url)

G03_WHY = (
    "Immigration Enforcement (the Home Office, Border Force and UKVI) may not receive the case "
    "list, share information with the Marac, attend, or sign the Operating Protocol or the "
    "Information Sharing Agreement: sharing can lead to a victim's arrest, detention or "
    "deportation. Remove this entry."
)
# The same reason for a name the recogniser is unsure of, without "Remove this entry".
G03_WHY_UNSURE = G03_WHY.removesuffix(" Remove this entry.")
G22_WHY = (
    "The library's section on victims with insecure immigration status already says everything "
    "the Marac may say about Immigration Enforcement, and a local text may not add to it or "
    "weaken it (G22). Remove the mention, or say it without naming Immigration Enforcement as "
    "a recipient, attendee or signatory."
)
NRPF_WHY = (
    "Council No Recourse to Public Funds teams normally check a person's immigration status "
    "through NRPF Connect, a Home Office service run within Immigration Enforcement, so what a "
    "team enters there reaches Immigration Enforcement. The documents therefore say that Marac "
    "information is never entered into NRPF Connect or any other status-checking system, and "
    "that a victim is referred to such a team only with their informed consent, after "
    "independent immigration advice."
)
_NRPF_NAME = re.compile(r"\b(nrpf|no recourse to public funds?)\b")
_NRPF_TEAM = re.compile(r"\b(team|unit|service|services|panel|officer|officers|hub)\b")
_NRPF_ALONE = re.compile(r"(the )?(nrpf|no recourse to public funds?)")


def unsure_advice(value: str) -> str:
    """Return how a coordinator confirms a name the recogniser was unsure of."""
    return (f"If it is an advice or support organisation and not part of Immigration Enforcement, "
            f"confirm it: add it, exactly as written, to g03_confirmed_names at the top level of "
            f"marac.yaml (g03_confirmed_names: [\"{value}\"]) and run marac check again; "
            f"otherwise remove this entry.")


def refusal(value: str, match: Match, kind: str = "name") -> str:
    """Return the message that refuses ``value``: what it matched, why, and the way forward."""
    if kind == "text":
        return (f"this text names {match.body} (read as '{match.matched}'), as a recipient, "
                f"attendee or signatory. {G22_WHY}")
    if not match.certain:
        return f"{match.describe(value).replace(' names ', ' may name ')}. {G03_WHY_UNSURE} {unsure_advice(value)}"
    return f"{match.describe(value)}. {G03_WHY}"


def recognise(value: str, kind: str, confirmed: frozenset[str] = frozenset()) -> Match | None:
    """Return how one value of a marked field (``kind`` from ``RecipientField``) names
    Immigration Enforcement, or None."""
    if kind == "email":
        match = recognise_email(value)
    elif kind == "url":
        match = recognise_url(value)
    elif kind == "text":
        match = recognise_free_text(value)
    else:
        match = recognise_name(value, confirmed)
    if match and not match.certain and confirmation_key(value) in confirmed:
        return None
    return match


def g03_findings(loaded: LoadedSettings, warnings: bool = True) -> Iterator[Problem]:
    """Yield a G03 error for every marked field naming Immigration Enforcement, every core
    name in ``g03_confirmed_names``, and (with ``warnings``) a G03 warning for every NRPF team."""
    settings = loaded.settings
    confirmed = set()
    for index, name in enumerate(settings.g03_confirmed_names):
        match = recognise_name(name)
        if match and match.certain:
            yield _error(loaded, ("g03_confirmed_names", index), (
                f"{match.describe(name)}, which cannot be confirmed: it is Immigration "
                f"Enforcement whatever else the name says. {G03_WHY}"))
        else:
            confirmed.add(confirmation_key(name))
    frozen = frozenset(confirmed)
    for location, value, kind in recipient_values(settings):
        match = recognise(value, kind, frozen)
        if match:
            yield _error(loaded, location, refusal(value, match, kind))
    yield from _logo_findings(loaded)
    if warnings:
        yield from _nrpf_warnings(loaded)


@functools.lru_cache(maxsize=4096)
def nrpf_team(name: str | None) -> bool:
    """Return True when ``name`` is a No Recourse to Public Funds team (not a service that
    merely supports people with no recourse, nor the NRPF Network)."""
    if not name:
        return False
    words = forms(name).words
    if not _NRPF_NAME.search(words) or "network" in words:
        return False
    return bool(_NRPF_TEAM.search(words) or _NRPF_ALONE.fullmatch(words))


def nrpf_routes(loaded: LoadedSettings) -> Iterator[tuple[tuple, str]]:
    """Yield (location, name) for each partner or pathway that is an NRPF team."""
    settings = loaded.settings
    for index, partner in enumerate(settings.partners):
        if partner.type.value == "nrpf" or nrpf_team(partner.name):
            yield ("partners", index, "name"), partner.name
    for index, service in enumerate(settings.specialist_pathways.services):
        if nrpf_team(service.organisation):
            yield ("specialist_pathways", "services", index, "organisation"), service.organisation


def _nrpf_warnings(loaded: LoadedSettings) -> Iterator[Problem]:
    for location, name in nrpf_routes(loaded):
        yield Problem(loaded.display_name, loaded.line_of(*location), loaded.field_name(location),
                      f"'{name}' is a No Recourse to Public Funds team. {NRPF_WHY}",
                      gid="G03", severity="warning")


def _error(loaded: LoadedSettings, location: tuple, message: str, gid: str = "G03") -> Problem:
    return Problem(loaded.display_name, loaded.line_of(*location), loaded.field_name(location),
                   message, gid=gid, severity="error")


# The certificate first: its CN and title are also the name and role of an imported signature.
_SUBJECT_FIELDS = {"certificate_subject": "the signer's certificate", "name": "the signatory's name",
                   "role": "the signatory's role"}


def refused_signatory(entry, confirmed_names: Iterable[str] = ()) -> str | None:
    """Return why a signature's name, role or certificate subject names Immigration
    Enforcement (G03), or None. Names in ``confirmed_names`` lift an unsure match."""
    confirmed = frozenset(confirmation_key(name) for name in confirmed_names)
    for key, label in _SUBJECT_FIELDS.items():
        value = entry.get(key)
        if not value:
            continue
        match = (certificate_subject_match(str(value), confirmed) if key == "certificate_subject"
                 else recognise(str(value), "name", confirmed))
        if match:
            why = refusal(str(value), match)
            return f"[G03] {label}: {why} Nothing was recorded."
    return None


# Every attribute of a subject can name the signer, their body or their address (CN, O, OU,
# title, email, DC...), except the country and the serial number. cryptography writes types it
# has no short name for as OIDs (title is 2.5.4.12, email 1.2.840.113549.1.9.1).
_SKIPPED_TYPES = {"c", "2.5.4.6", "serialnumber", "2.5.4.5"}
_TYPE_NAMES = {"2.5.4.12": "title", "1.2.840.113549.1.9.1": "email"}


def certificate_subject_match(subject: str, confirmed: frozenset[str] = frozenset()) -> Match | None:
    """Return how an RFC 4514 subject (CN, O, OU, title, email) names Immigration Enforcement."""
    for attribute in re.split(r"(?<!\\)[,+]", subject):
        kind, _, value = attribute.partition("=")
        value = value.replace("\\", "").strip()
        if kind.strip().casefold() in _SKIPPED_TYPES or not value:
            continue
        match = recognise(value, "email" if "@" in value else "name", confirmed)
        if match:
            label = _TYPE_NAMES.get(kind.strip(), kind.strip())
            return Match(match.body, match.certain, f"{label}={value}")
    return None


def _logo_findings(loaded: LoadedSettings) -> Iterator[Problem]:
    """Yield a G03 error for an SVG logo whose words (what it draws, its <title>, <desc> or an
    aria-label) name Immigration Enforcement: the logo is printed on every title page. Each text,
    and all of them read together (a name split over ``<tspan>`` elements), is read as free text,
    so a logo saying "immigration advice" passes."""
    logo = loaded.logo
    if logo is None or logo.media_type != "image/svg+xml":
        return
    from ..settings.logo import find_logo, svg_texts

    texts = svg_texts(logo.data)
    found = find_logo(loaded.folder, loaded.settings.marac.logo)
    name = found.name if found is not None else "the logo"
    for text in (*texts, " ".join(texts), "".join(texts)) if texts else ():
        match = recognise_free_text(text)
        if match:
            shown = " ".join(text.split())
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            yield _error(loaded, ("marac", "logo"), (
                f"{name} has the words '{shown}' (read as '{match.matched}') in its text, which names "
                f"{match.body}. The logo is printed on every title page, and no Marac document may show "
                "Immigration Enforcement (the Home Office, Border Force, UKVI) as a member, recipient or "
                "signatory. Use your Marac's own logo, or delete those words from the SVG (its <text>, "
                "<title> and <desc>) and save it again."))
            return
