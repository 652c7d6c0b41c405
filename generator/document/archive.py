"""A Document as canonical JSON, and back: what an edition archives so it can be compared later.

The archived model survives changes to the clause library: ``marac diff`` reads the two editions'
models, never re-assembles an old edition from today's clauses. The logo's bytes are left out
(a comparison does not need them). Pure: no I/O.
"""

from __future__ import annotations

import dataclasses
import json

from .model import (Block, Document, DocumentMeta, Heading, ListBlock, PageBreak, Paragraph, Run, SignatureRow,
                    SignatureTable, Table)

ARCHIVE_FORMAT = "marac-document/1"
_TYPES = {cls.__name__: cls for cls in (Heading, Paragraph, ListBlock, Table, SignatureTable, PageBreak)}


def clause_anchor_ids(document: Document) -> list[str]:
    """Return the ids of the clauses in ``document``'s signed text, in order (from ``c-<id>`` anchors)."""
    return [block.anchor[2:] for block in document.blocks
            if isinstance(block, Heading) and block.level == 2 and (block.anchor or "").startswith("c-")]


def document_to_json(document: Document, clause_versions: dict[str, int] | None = None) -> str:
    """Return the document (meta without logo, blocks, schedules) as stable, sorted JSON text."""
    meta = {f.name: getattr(document.meta, f.name) for f in dataclasses.fields(DocumentMeta) if f.name != "logo"}
    meta["keywords"] = list(meta["keywords"])
    payload = {
        "format": ARCHIVE_FORMAT,
        "meta": meta,
        "blocks": [_block(b) for b in document.blocks],
        "schedules": [_block(b) for b in document.schedules],
        "clause_versions": dict(clause_versions or {}),
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def document_from_json(text: str) -> tuple[Document, dict[str, int]]:
    """Return ``(document, clause versions)`` from archived JSON.

    Refuses (ValueError, saying what is wrong) text that is not an archived document model.
    """
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(payload, dict) or payload.get("format") != ARCHIVE_FORMAT:
        raise ValueError(f"is not an archived document model ({ARCHIVE_FORMAT})")
    try:
        meta = dict(payload["meta"])
        meta["keywords"] = tuple(meta.get("keywords", ()))
        document = Document(meta=DocumentMeta(**meta),
                            blocks=tuple(_unblock(b) for b in payload["blocks"]),
                            schedules=tuple(_unblock(b) for b in payload.get("schedules", [])))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"is damaged ({exc})") from None
    return document, {str(k): int(v) for k, v in payload.get("clause_versions", {}).items()}


def _runs(runs: tuple[Run, ...]) -> list[dict]:
    return [{k: v for k, v in dataclasses.asdict(r).items() if v not in (False, None, "") or k == "text"}
            for r in runs]


def _unruns(items: list[dict]) -> tuple[Run, ...]:
    return tuple(Run(**item) for item in items)


def _block(block: Block) -> dict:
    kind = type(block).__name__
    if isinstance(block, (Heading, Paragraph)):
        out = {f.name: getattr(block, f.name) for f in dataclasses.fields(block) if f.name != "runs"}
        out["runs"] = _runs(block.runs)
    elif isinstance(block, ListBlock):
        out = {"items": [_runs(item) for item in block.items], "ordered": block.ordered, "style": block.style}
    elif isinstance(block, Table):
        out = {"header": list(block.header), "rows": [list(r) for r in block.rows], "caption": block.caption,
               "style": block.style, "widths": list(block.widths)}
    elif isinstance(block, SignatureTable):
        out = {"rows": [dataclasses.asdict(r) for r in block.rows], "header": list(block.header),
               "caption": block.caption}
    elif isinstance(block, PageBreak):
        out = {}
    else:
        raise TypeError(f"unknown block {kind}")
    return {"type": kind, **out}


def _unblock(item: dict) -> Block:
    data = dict(item)
    cls = _TYPES[data.pop("type")]
    if cls in (Heading, Paragraph):
        data["runs"] = _unruns(data["runs"])
    elif cls is ListBlock:
        data["items"] = tuple(_unruns(i) for i in data["items"])
    elif cls is Table:
        data.update(header=tuple(data["header"]), rows=tuple(tuple(r) for r in data["rows"]),
                    widths=tuple(data["widths"]))
    elif cls is SignatureTable:
        data.update(rows=tuple(SignatureRow(**r) for r in data["rows"]), header=tuple(data["header"]))
    return cls(**data)
