"""Assemble settings and clauses into one ``Document`` per kind (mop, isa, annex).

Picks and orders clauses (honouring ``when``, ``exclude`` and local ``add``), fills
placeholders, parses the Markdown subset, numbers paragraphs (1, 1.1, 1.2 ...), and adds
the document-control (version) table and the signature table. No I/O, no rendering.
"""

from __future__ import annotations

import dataclasses

from ..library.clauses import DOC_KINDS, Clause, Library
from ..settings.loader import LoadedSettings
from ..dates import add_months, long_date
from ..errors import ClauseLibraryError, Problem
from .crossref import resolve_references
from .fingerprint import fingerprint
from ..library.markup import parse_markdown
from .schedules import schedule_blocks
from .model import (
    Block,
    Document,
    DocumentMeta,
    Heading,
    ListBlock,
    PageBreak,
    Paragraph,
    Run,
    SignatureRow,
    SignatureTable,
    Table,
)
from ..library.placeholders import (PlaceholderError, evaluate_condition, make_environment, render_text,
                                   template_context, typographic_quotes)
from ..policy.g03 import nrpf_routes
from ..settings.schema import DocumentDates, Settings, slugify



def signature_anchor(agency: str) -> str:
    """Return the stable id of an agency's signature cell (``sig-<agency-slug>``)."""
    return f"sig-{slugify(agency)}"


def assemble_all(loaded: LoadedSettings, library: Library, kinds=DOC_KINDS) -> dict[str, Document]:
    """Return the assembled documents for ``kinds``, keyed by kind."""
    return {kind: assemble(loaded, library, kind) for kind in kinds}


def assemble(loaded: LoadedSettings, library: Library, kind: str) -> Document:
    """Return the ``kind`` document for these settings, with its fingerprint set.

    Refuses (``ClauseLibraryError``) a clause whose placeholders or condition cannot be
    rendered. Settings must already have passed the policy gate.
    """
    settings = loaded.settings
    outline = library.documents[kind]
    env = make_environment()
    companion = {"mop": "isa", "isa": "mop", "annex": "mop"}[kind]
    context = template_context(settings, {
        "kind": kind, "title": outline.title, "other_title": library.documents[companion].title,
    })
    # G03: NRPF teams found by type or name, for the clauses in clauses/nrpf.yaml.
    context["facts"]["nrpf_teams"] = [name for _, name in nrpf_routes(loaded)]

    blocks: list[Block] = list(_title_blocks(settings, kind, outline.title))
    blocks += _document_control(settings, kind)
    section_number = 0
    for section in outline.sections:
        clauses = select_clauses(settings, library, kind, section, env, context)
        if not clauses:
            continue
        section_number += 1
        blocks.append(Heading(1, (Run(library.sections[section].title),), number=str(section_number),
                              anchor=f"s-{section}"))
        paragraph_number = 0
        for clause in clauses:
            blocks.append(Heading(2, (Run(clause.title),), anchor=f"c-{clause.id}"))
            for block in _clause_blocks(clause, env, context):
                if isinstance(block, Paragraph):
                    paragraph_number += 1
                    block = dataclasses.replace(block, number=f"{section_number}.{paragraph_number}")
                blocks.append(block)
    blocks += _signature_blocks(settings, kind, outline.title)
    blocks = resolve_references(blocks, f"{outline.title} of {settings.marac.name}")

    meta = DocumentMeta(
        kind=kind,
        title=outline.title,
        marac=settings.marac.name,
        slug=settings.slug,
        file_stem=outline.file_stem,
        version=_version(settings, kind),
        date=_dates(settings, kind).last_reviewed.isoformat(),
        subject=f"{outline.title} of {settings.marac.name} ({settings.marac.area})",
        keywords=("Marac", "domestic abuse", "information sharing", "immigration status", settings.marac.name),
        library_version=library.version,
        **title_page_meta(loaded),
    )
    document = Document(meta=meta, blocks=tuple(blocks),
                        schedules=tuple(schedule_blocks(settings, kind, outline.title)))
    return dataclasses.replace(document, meta=dataclasses.replace(meta, fingerprint=fingerprint(document)))


def title_page_meta(loaded: LoadedSettings) -> dict:
    """Return the DocumentMeta fields the title page and page furniture show beyond the text:
    the owner (the governance group), the protective marking, the logo and the house style.

    The documents themselves are OFFICIAL; the case information they govern is
    OFFICIAL-SENSITIVE, which the writers say on the title page.
    """
    return {"owner": loaded.settings.governance.group, "protective_marking": "OFFICIAL",
            "logo": loaded.logo, "house_style": loaded.house_style}


def select_clauses(settings: Settings, library: Library, kind: str, section: str, env, context) -> list[Clause]:
    """Return the clauses of one section of one document, in library order, local ones last."""
    excluded = set(settings.clauses.exclude)
    chosen = []
    for clause in library.clauses:
        if kind not in clause.applies_to or clause.section != section or clause.id in excluded:
            continue
        if clause.when and not _condition(clause, env, context):
            continue
        chosen.append(clause)
    for local in settings.clauses.add:
        if kind in local.applies_to and local.section == section:
            chosen.append(Clause(id=local.id, version=1, title=local.title, section=local.section,
                                 applies_to=tuple(local.applies_to), text=local.text, local=True))
    return chosen


def _condition(clause: Clause, env, context) -> bool:
    try:
        return evaluate_condition(env, clause.when or "", context)
    except PlaceholderError as exc:
        raise ClauseLibraryError([Problem(f"clause {clause.id}", None, "when", str(exc))]) from None


def _clause_blocks(clause: Clause, env, context) -> list[Paragraph | ListBlock]:
    if clause.local:
        # A Marac's own clause is Markdown only, never a template: its author typed it as text.
        return parse_markdown(clause.text)
    try:
        return parse_markdown(render_text(env, clause.text, context))
    except PlaceholderError as exc:
        raise ClauseLibraryError([Problem(f"clause {clause.id}", None, "text", str(exc))]) from None


def _dates(settings: Settings, kind: str) -> DocumentDates:
    if kind == "annex" and settings.documents.annex is None:
        documents = settings.documents
        return max(documents.operating_protocol, documents.information_sharing_agreement,
                   key=lambda d: d.last_reviewed)
    return settings.documents.of(kind)


def _version(settings: Settings, kind: str) -> str:
    if kind == "annex" and settings.documents.annex is None:
        d = settings.documents
        return f"MOP {d.operating_protocol.version} / ISA {d.information_sharing_agreement.version}"
    return _dates(settings, kind).version


def _text(text: str) -> tuple[Run, ...]:
    return (Run(typographic_quotes(text)),)


def _title_blocks(settings: Settings, kind: str, title: str) -> list[Block]:
    dates = _dates(settings, kind)
    blocks: list[Block] = [
        Paragraph(_text(settings.marac.name), style="title"),
        Paragraph(_text(title), style="subtitle"),
    ]
    if kind == "annex":
        d = settings.documents
        blocks.append(Paragraph(_text(
            f"Annex to the Marac Operating Protocol (version {d.operating_protocol.version}) and the "
            f"Marac Information Sharing Agreement (version {d.information_sharing_agreement.version})"),
            style="subtitle"))
        if settings.documents.annex is not None:
            blocks.append(Paragraph(_text(
                f"{settings.marac.area} · Version {dates.version} · Last reviewed {long_date(dates.last_reviewed)}"),
                style="meta"))
        # Where to insert the annex is a note to the coordinator (README), not text partners sign.
        return blocks
    blocks.append(Paragraph(_text(
        f"{settings.marac.area} · Version {dates.version} · Last reviewed {long_date(dates.last_reviewed)}"),
        style="meta"))
    return blocks


def _document_control(settings: Settings, kind: str) -> list[Block]:
    kinds = ("mop", "isa") + (("annex",) if settings.documents.annex else ()) if kind == "annex" else (kind,)
    names = {"mop": "Operating Protocol", "isa": "Information Sharing Agreement", "annex": "Immigration status annex"}
    rows = []
    for each in kinds:
        d = settings.documents.of(each)
        due = add_months(d.last_reviewed, d.review_interval_months)
        rows.append((names[each], d.version, long_date(d.adopted), long_date(d.last_reviewed), long_date(due)))
    return [
        Heading(1, _text("Document control"), anchor="document-control"),
        Table(header=("Document", "Version", "Adopted", "Last reviewed", "Next review due"),
              rows=tuple(rows), style="versions", widths=(0.32, 0.12, 0.18, 0.19, 0.19)),
        Paragraph(_text(
            f"Owner: {settings.governance.group}. The coordinator's contact details, and the version history of "
            "this document, are in the schedules at the end."), style="small"),
    ]


def _signature_blocks(settings: Settings, kind: str, title: str) -> list[Block]:
    if kind == "annex":
        what = "this annex, and adds it to its copies of the Operating Protocol and the Information Sharing Agreement"
    else:
        what = (f"this {title}, version {_dates(settings, kind).version}, including its section on "
                "victims with insecure immigration status")
    # The agencies are part of the signed text; who signs for each is not (it is in the Signatories
    # schedule), so the name and role cells are left for the signer to fill in.
    rows = tuple(SignatureRow(agency=typographic_quotes(p.name), signatory="", role="", anchor=signature_anchor(p.name))
                 for p in settings.partners)
    return [
        PageBreak(),  # partners sign on a clean page, not under the last clause
        Heading(1, _text("Signatures"), anchor="signatures"),
        Paragraph(_text(
            f"By signing, each partner agency of {settings.marac.name} confirms that it has read, "
            f"agrees to and will follow {what}. The edition reference in the footer identifies the "
            "exact text signed. Whoever signs writes their name and role beside the signature."), style="small"),
        SignatureTable(rows=rows),
    ]


def clause_blocks_for(loaded: LoadedSettings, library: Library, clause: Clause,
                      kind: str) -> tuple[bool, list[Paragraph | ListBlock]]:
    """Return (included, blocks): whether ``clause`` is in this Marac's ``kind`` document, and
    its text as it reads there (placeholders filled). ``marac clauses show`` prints this.

    Refuses (``ClauseLibraryError``) a clause whose placeholders cannot be rendered.
    """
    outline = library.documents[kind]
    env = make_environment()
    companion = {"mop": "isa", "isa": "mop", "annex": "mop"}[kind]
    context = template_context(loaded.settings, {
        "kind": kind, "title": outline.title, "other_title": library.documents[companion].title,
    })
    included = clause.id in {c.id for c in select_clauses(loaded.settings, library, kind, clause.section, env, context)}
    return included, _clause_blocks(clause, env, context)
