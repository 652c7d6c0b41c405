"""The audit report as JSON (a stable shape, documented in the README) and as a text table.

The report says what text was found, never that a protocol "complies": found means the
patterns matched wording for every part of a requirement, not that the wording is adequate.
"""

from __future__ import annotations

import json
import textwrap

from .core import KIND_NAMES, AuditReport
from .recognise import Finding

STATUS_ORDER = ("conflict", "not found", "partial", "found")
NOTE = ("'found' means wording for every part of the requirement was found; it is not a judgement "
        "that the protocol meets the guidance. Read the quoted evidence.")


def to_json(report: AuditReport) -> dict:
    """Return the report in its stable JSON shape.

    ``{"file", "document", "requirements": [{"id", "status", "evidence": [{"quote", "where"}],
    "clauses": [ids]}], "sections": [...same...], "conflicts": [{"id", "quote", "where", "why"}]}``
    plus ``"guessed"``, ``"title"``, ``"marac"`` and ``"add"``: the clauses named in ``clauses``,
    each ``{"id", "title", "section", "covers", "filled", "text"}``.
    """
    def finding(f: Finding) -> dict:
        return {"id": f.id, "title": f.title, "status": f.status,
                "evidence": [{"quote": e.quote, "where": e.where} for e in f.evidence],
                "missing": list(f.missing), "clauses": list(f.clauses)}

    return {
        "file": report.file,
        "document": report.document,
        "guessed": report.guessed,
        "title": report.title,
        "marac": report.marac,
        "requirements": [finding(f) for f in report.requirements],
        "sections": [finding(f) for f in report.sections],
        "conflicts": [{"id": c.id, "quote": c.quote, "where": c.where, "why": c.why} for c in report.conflicts],
        "add": [{"id": r.id, "title": r.title, "section": r.section, "covers": list(r.covers),
                 "filled": r.filled, "text": r.text} for r in report.clauses],
    }


def to_json_text(report: AuditReport) -> str:
    """Return the JSON report as indented text ending in a newline."""
    return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"


def kind_line(report: AuditReport) -> str:
    """Return the line saying which document kind was audited, and whether it was guessed."""
    name = KIND_NAMES[report.document]
    if report.guessed:
        return (f"Audited as: {name} ({report.document}), guessed from the title "
                f"'{report.title or 'none'}'; use --doc to choose.")
    return f"Audited as: {name} ({report.document})."


def to_table(report: AuditReport, width: int = 100) -> str:
    """Return the report as plain text: a summary, conflicts first, then each requirement and section."""
    lines = [f"Audit of {report.file}", kind_line(report), NOTE, ""]
    counts = {s: sum(f.status == s for f in report.requirements) for s in STATUS_ORDER}
    lines.append("Requirements: " + ", ".join(f"{counts[s]} {s}" for s in STATUS_ORDER))
    if report.conflicts:
        lines += ["", "CONFLICTS (text that contradicts the guidance; change it first):"]
        for c in report.conflicts:
            lines.append(f"  {c.id}  {c.why}")
            lines += _wrapped(f'"{c.quote}"', width, "      ")
            lines.append(f"      {c.where}")
    for heading, findings in (("Requirements", report.requirements), ("Sections", report.sections)):
        if not findings:
            continue
        lines += ["", f"{heading}:"]
        for f in findings:
            lines.append(f"  {f.id:<16} {f.status:<10} {f.title}")
            if f.status == "conflict":
                lines.append("      contradicted: see CONFLICTS above")
            for e in f.evidence[:3]:
                lines += _wrapped(f'"{_short(e.quote)}"', width, "      ")
                lines.append(f"      {e.where}")
            if f.missing and f.status != "not found":
                lines.append(f"      not found: {'; '.join(f.missing)}")
            if f.clauses:
                lines.append(f"      add: {', '.join(f.clauses)}")
    if report.clauses:
        filled = f", filled in for {report.marac}" if report.marac else " (use --config to fill them in)"
        lines += ["", f"Clauses that close the gaps{filled}:"]
        for r in report.clauses:
            lines.append(f"  {r.id}: {r.title} (covers {', '.join(r.covers) or 'a general section'})")
    return "\n".join(lines) + "\n"


def _short(quote: str, limit: int = 240) -> str:
    return quote if len(quote) <= limit else quote[: limit - 1].rstrip() + "…"


def _wrapped(text: str, width: int, indent: str) -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent) or [indent]
