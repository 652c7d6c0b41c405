"""Rules from the guidance that the tool enforces (REQUIREMENTS.md, "Rules the tool enforces").

Pure functions: settings and library in, findings (``Problem`` with severity and G-id) out.
``check`` prints them; ``build`` refuses when any is an error.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..library.clauses import Library
from ..settings.loader import LoadedSettings
from ..errors import Problem
from .g03 import G03_WHY, g03_findings

MAX_REVIEW_INTERVAL_MONTHS = 24  # G21: "reviewed every two years"

__all__ = ["G03_WHY", "MAX_REVIEW_INTERVAL_MONTHS", "check_policy", "errors_in"]


def check_policy(loaded: LoadedSettings, library: Library, warnings: bool = True) -> list[Problem]:
    """Return every finding for these settings: errors first, then warnings, each in file order.

    With ``warnings=False`` only errors are looked for (``reviews`` and ``remind`` need no more,
    and a warning's line number can cost more than the check)."""
    findings = [
        *g03_findings(loaded, warnings),
        *_clause_choices(loaded, library, warnings),
        *_review_intervals(loaded),
        *(_gaps(loaded) if warnings else ()),
        *agencies_are_partners(loaded),
    ]
    return sorted(findings, key=lambda f: (f.severity != "error", f.line or 0))


def errors_in(findings: list[Problem]) -> list[Problem]:
    """Return only the findings that stop a build."""
    return [finding for finding in findings if finding.severity == "error"]


def _finding(loaded: LoadedSettings, location: tuple, message: str, gid: str | None,
             severity: str = "error") -> Problem:
    return Problem(loaded.display_name, loaded.line_of(*location), loaded.field_name(location),
                   message, gid=gid, severity=severity)


def _clause_choices(loaded: LoadedSettings, library: Library, warnings: bool = True) -> Iterator[Problem]:
    choices = loaded.settings.clauses
    known = library.by_id()
    for i, clause_id in enumerate(choices.exclude):
        location = ("clauses", "exclude", i)
        clause = known.get(clause_id)
        if clause is None:
            hint = difflib.get_close_matches(clause_id, list(known), n=1, cutoff=0.6)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else "; `marac clauses` lists them"
            yield _finding(loaded, location, f"'{clause_id}' is not a clause in the library{suggestion}", None)
        elif clause.mandatory:
            gids = ", ".join(clause.covers) or "the guidance"
            yield _finding(loaded, location, (
                f"'{clause_id}' is mandatory (it covers {gids}) and cannot be excluded; "
                "remove it from clauses.exclude"), clause.covers[0] if clause.covers else None)
    if warnings:
        yield from _coverage_lost(loaded, library)
    for i, local in enumerate(choices.add):
        if local.id in known:
            yield _finding(loaded, ("clauses", "add", i, "id"),
                           f"'{local.id}' is already a library clause; choose another id", None)
        for kind in local.applies_to:
            if local.section not in library.documents[kind].sections:
                sections = ", ".join(library.documents[kind].sections)
                yield _finding(loaded, ("clauses", "add", i, "section"), (
                    f"'{local.section}' is not a section of the {kind}; use one of: {sections}"), None)


def _coverage_lost(loaded: LoadedSettings, library: Library) -> Iterator[Problem]:
    """Warn when exclusions leave a document with no clause for a guidance requirement."""
    # A mandatory clause cannot be excluded (an error says so), so it still covers its requirements.
    mandatory = library.mandatory_ids()
    excluded = {c for c in loaded.settings.clauses.exclude if c not in mandatory}
    if not excluded:
        return
    for kind in ("mop", "isa", "annex"):
        clauses = [c for c in library.clauses if kind in c.applies_to]
        before = {gid for c in clauses for gid in c.covers}
        after = {gid for c in clauses if c.id not in excluded for gid in c.covers}
        for gid in sorted(before - after):
            ids = ", ".join(c.id for c in clauses if gid in c.covers)
            yield _finding(loaded, ("clauses", "exclude"), (
                f"excluding {ids} leaves the {library.documents[kind].title} with nothing on this "
                "requirement; keep the clause or add a local clause that covers it"), gid, severity="warning")


def _review_intervals(loaded: LoadedSettings) -> Iterator[Problem]:
    documents = loaded.settings.documents
    for key in ("operating_protocol", "information_sharing_agreement", "annex"):
        if getattr(documents, key) is None:
            continue
        months = getattr(documents, key).review_interval_months
        if months > MAX_REVIEW_INTERVAL_MONTHS:
            yield _finding(loaded, ("documents", key, "review_interval_months"), (
                f"{months} months is too long: the guidance requires review at least every two "
                f"years; set it to {MAX_REVIEW_INTERVAL_MONTHS} or fewer"), "G21")


def _gaps(loaded: LoadedSettings) -> Iterator[Problem]:
    s = loaded.settings

    def warn(location: tuple, message: str, gid: str) -> Problem:
        return _finding(loaded, location, message, gid, severity="warning")

    services = s.specialist_pathways.services
    if not services:
        yield warn(("specialist_pathways",), (
            "no specialist support pathway is listed; add the local services that advise victims "
            "whose immigration status is an issue, under specialist_pathways.services"), "G16")
    elif not any(service.legal_advice for service in services):
        yield warn(("specialist_pathways", "services"), (
            "no pathway offers legal advice (legal_advice: true); legal advice and "
            "representation should always be a priority"), "G16")
    if not s.immigration.champions:
        yield warn(("immigration",), (
            "no immigration champion is named; name at least one under immigration.champions "
            "to cascade training to partners"), "G20")
    if not s.immigration.training_provider:
        yield warn(("immigration",), (
            "no training provider is named; add immigration.training_provider, a specialist "
            "organisation that trains partners on immigration and domestic abuse"), "G20")
    if s.governance.contact is None:
        yield warn(("governance",), (
            "no governance contact; add governance.contact (name, email) so that review "
            "reminders and monitoring reports reach the governance group"), "G19")


def agencies_are_partners(loaded: LoadedSettings) -> Iterator[Problem]:
    """Yield an error for each chair, coordinator or champion whose agency is not a partner.

    They act for the Marac with a partner's authority and under its signature; an agency that
    has not signed has agreed to none of the rules. Names compare ignoring case and spacing; the
    message names the closest partner, which is usually a misspelling.
    """
    from ..settings.schema import agency_key

    s = loaded.settings
    names = [p.name for p in s.partners]
    keys = {agency_key(n): n for n in names}
    people = [(("marac", "chair", "agency"), "the chair", s.marac.chair.agency),
              (("marac", "coordinator", "agency"), "the coordinator", s.marac.coordinator.agency)]
    people += [(("immigration", "champions", i, "agency"), f"champion {c.name}", c.agency)
               for i, c in enumerate(s.immigration.champions)]
    for location, who, agency in people:
        if agency is None or agency_key(agency) in keys:
            continue
        close = difflib.get_close_matches(agency_key(agency), list(keys), n=1, cutoff=0.5)
        hint = (f"did you mean '{keys[close[0]]}'?" if close else
                "add the agency to partners (it must sign the documents), or name the partner agency they act for")
        yield _finding(loaded, location, f"'{agency}', the agency of {who}, is not a partner agency; {hint}", None)
