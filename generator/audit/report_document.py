"""The audit report and the annex of missing clauses as ``Document`` models.

The existing writers (``generator.render.writer``) turn them into HTML or DOCX, so there is
no second DOCX or HTML writer. The annex holds only the clauses that close the gaps, numbered
like a generated protocol, ready to paste into the Marac's own document.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from ..document.fingerprint import fingerprint
from ..document.model import Block, Document, DocumentMeta, Heading, Paragraph, Run, Table
from ..library.clauses import Library
from .core import KIND_NAMES, AuditReport
from .report import NOTE, kind_line


def _p(text: str, style: str = "") -> Paragraph:
    return Paragraph((Run(text),), style=style)


def _meta(report: AuditReport, title: str, stem: str, version: str) -> DocumentMeta:
    marac = report.marac or "Marac"
    return DocumentMeta(kind=report.document, title=title, marac=marac, slug=stem, file_stem=stem, version=version,
                        date=dt.date.today().isoformat(), subject=f"{title}: {Path(report.file).name}",
                        keywords=("Marac", "audit", "immigration status"), draft=True)


def report_document(report: AuditReport) -> Document:
    """Return the audit report as a Document: conflicts, then requirements, sections and what to add."""
    name = Path(report.file).name
    blocks: list[Block] = [_p(report.marac or "Marac protocol audit", "title"),
                           _p(f"Audit of {name}", "subtitle"), _p(kind_line(report), "meta"), _p(NOTE, "note")]
    if report.conflicts:
        blocks.append(Heading(1, (Run("Conflicts with the guidance"),), anchor="conflicts"))
        blocks.append(_p("Text that contradicts the guidance. Change or remove it first; adding clauses does "
                         "not cancel it."))
        blocks.append(Table(header=("G-id", "Quoted text", "Where", "Why"),
                            rows=tuple((c.id, c.quote, c.where, c.why) for c in report.conflicts),
                            widths=(0.08, 0.42, 0.22, 0.28)))
    for title, anchor, findings in (("Requirements of the guidance", "requirements", report.requirements),
                                    ("General sections", "sections", report.sections)):
        if not findings:
            continue
        blocks.append(Heading(1, (Run(title),), anchor=anchor))
        rows = []
        for f in findings:
            evidence = " / ".join(f"“{e.quote}” ({e.where})" for e in f.evidence[:3]) or "-"
            if f.status == "conflict":
                against = [c for c in report.conflicts if c.id == f.id]
                evidence = "Contradicted by: " + " / ".join(f"“{c.quote}” ({c.where})" for c in against)
            rows.append((f"{f.id}: {f.title}", f.status, evidence, ", ".join(f.clauses) or "-"))
        blocks.append(Table(header=("Requirement", "Status", "Evidence", "Clauses to add"), rows=tuple(rows),
                            widths=(0.27, 0.1, 0.39, 0.24)))
    if report.clauses:
        blocks.append(Heading(1, (Run("Clauses that close the gaps"),), anchor="add"))
        note = (f"Filled in with the settings of {report.marac}." if report.marac
                else "Shown as the library holds them; run the audit with --config to fill them in.")
        blocks.append(_p(note, "small"))
        for remedy in report.clauses:
            blocks.append(Heading(2, (Run(f"{remedy.title} ({remedy.id})"),)))
            blocks.extend(remedy.blocks if remedy.blocks else [_p(remedy.text)])
    meta = _meta(report, f"Audit of {name}", "audit", f"audit of {dt.date.today().isoformat()}")
    return Document(meta=meta, blocks=tuple(blocks))


def annex_document(report: AuditReport, library: Library) -> Document:
    """Return the ready-to-insert annex: only the missing clauses, by library section, filled in.

    The clauses must have been filled in (the audit run with a Marac's settings); a clause the
    Marac's settings leave out is not included.
    """
    outline = library.documents[report.document]
    blocks: list[Block] = [
        _p(report.marac, "title"),
        _p(f"Additions to the {KIND_NAMES[report.document]}", "subtitle"),
        _p(f"These clauses close the gaps the audit of {Path(report.file).name} found. Insert each section "
           "into the document, in the order given, and renumber its paragraphs to fit. Every partner "
           "agency signs the document with the additions.", "note"),
    ]
    filled = [r for r in report.clauses if r.filled]
    number = 0
    for section in outline.sections:
        chosen = [r for r in filled if r.section == section]
        if not chosen:
            continue
        number += 1
        blocks.append(Heading(1, (Run(library.sections[section].title),), number=str(number), anchor=f"s-{section}"))
        paragraph = 0
        for remedy in chosen:
            blocks.append(Heading(2, (Run(remedy.title),), anchor=f"c-{remedy.id}"))
            for block in remedy.blocks:
                if isinstance(block, Paragraph) and not block.style:
                    paragraph += 1
                    block = dataclasses.replace(block, number=f"{number}.{paragraph}")
                blocks.append(block)
    meta = _meta(report, f"Additions to the {KIND_NAMES[report.document]}", "audit-additions", "draft additions")
    document = Document(meta=meta, blocks=tuple(blocks))
    return dataclasses.replace(document, meta=dataclasses.replace(meta, fingerprint=fingerprint(document)))

