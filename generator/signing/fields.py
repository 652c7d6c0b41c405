"""Empty digital-signature fields over the signature cells of a rendered PDF.

WeasyPrint writes the pages; qpdf (through pikepdf) repacks them into small object streams
(see ``_repack``); pyHanko then adds, as one incremental update, one empty signature field per
partner agency, placed exactly over that agency's signature cell. The PDF so has two
revisions, and each partner's signature adds one. Each field is named after the cell's anchor
(``sig-<agency-slug>``, never a '.') and carries a tooltip (``/TU``) naming the agency, its
signatory and role.

The fields are linked into the structure tree so the PDF stays tagged: each widget gets a
``/Form`` structure element (holding an object reference to the widget) inside the table cell
it covers when that cell can be found (falling back to the document element), a
``/StructParent`` and an entry in the parent tree. Pages keep WeasyPrint's ``/Tabs /S``.

The update is reproducible: pyHanko would stamp the current time into the document's
metadata and a random second half into the file /ID. Neither happens here: the metadata keeps
the document's own dates, and the second /ID half is an MD5 of the rendered bytes and the
fields, so the same document gives the same bytes, in one process or many.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import pikepdf
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, append_signature_field, ensure_sig_flags

from ..errors import RenderError

Box = tuple[int, float, float, float, float]  # page index, x, y, width, height (points, bottom-left)


@dataclass(frozen=True)
class FieldSpec:
    """One signature field to add: its name (the cell anchor), where, and its tooltip."""

    name: str
    box: Box
    tooltip: str


class _ReproducibleWriter(IncrementalPdfFileWriter):
    """An incremental writer that leaves the document's metadata (dates, XMP) as rendered.

    pyHanko's writer sets ModDate to the current time on write; its author documents
    overriding ``_update_meta`` as the way to turn that off (pyHanko issue #223).
    """

    def _update_meta(self) -> None:
        return None


def add_signature_fields(data: bytes, fields: list[FieldSpec]) -> bytes:
    """Return ``data`` (a tagged PDF) with an incremental update adding the empty ``fields``.

    Fields are added in the order given; each gets a ``/Form`` structure element. Returns
    ``data`` unchanged when ``fields`` is empty. Refuses (``RenderError``) a field name with a
    '.', a name used twice, and a box on a page the PDF does not have.
    """
    if not fields:
        return data
    names = [field.name for field in fields]
    if len(set(names)) != len(names) or any("." in name or not name for name in names):
        raise RenderError(f"signature field names must be unique and contain no '.': {', '.join(names)}")
    packed = _repack(data)
    cells = signature_cells(packed, fields)
    writer = _ReproducibleWriter(io.BytesIO(packed))
    pages = int(writer.root["/Pages"]["/Count"])
    for field in fields:
        page, x, y, width, height = field.box
        if not 0 <= page < pages:
            raise RenderError(f"signature field {field.name} is on page {page + 1}, but the PDF has {pages} pages")
        append_signature_field(writer, SigFieldSpec(
            sig_field_name=field.name, on_page=page, box=_rect(x, y, width, height),
            readable_field_name=field.tooltip))
    _tag_widgets(writer, fields, cells)
    # SignaturesExist | AppendOnly: viewers then add to the file instead of rewriting it, so the
    # issued bytes stay the start of every signed copy, and signing changes no flag.
    ensure_sig_flags(writer, lock_sig_flags=True)
    writer._document_id = generic.ArrayObject([  # noqa: SLF001 - pin the random second half of /ID
        writer._document_id[0], generic.ByteStringObject(_second_id(data, fields))])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _rect(x: float, y: float, width: float, height: float) -> tuple:
    # pyHanko writes the numbers as given; round so the file does not carry float noise.
    return tuple(round(value, 3) for value in (x, y, x + width, y + height))


def _second_id(data: bytes, fields: list[FieldSpec]) -> bytes:
    digest = hashlib.md5(data, usedforsecurity=False)
    for field in fields:
        digest.update(repr((field.name, field.box, field.tooltip)).encode("utf-8"))
    return digest.digest()


def _repack(data: bytes) -> bytes:
    """Return ``data`` rewritten by qpdf with object streams of at most 100 objects.

    WeasyPrint puts every object in one object stream, and pyHanko re-reads a stream's whole
    header for each object it fetches from it, so reading the structure tree of a long document
    would take tens of seconds; qpdf's small streams make it a fraction of a second, for
    pyHanko here and for every later reader of the signed copies. The rewrite keeps the
    objects and the first /ID half, and its second half is computed from the content.
    """
    with pikepdf.open(io.BytesIO(data)) as source:
        out = io.BytesIO()
        source.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True,
                    deterministic_id=True)
    return out.getvalue()


def _tag_widgets(writer: IncrementalPdfFileWriter, fields: list[FieldSpec],
                 cells: list[tuple[int, int]]) -> None:
    """Give each field's widget a /Form structure element, a /StructParent and a parent-tree entry.

    ``cells`` holds the object number and generation of each field's table cell, in field
    order, or is empty; then the elements go into the document element.
    """
    root = writer.root
    if "/StructTreeRoot" not in root:
        return  # an untagged PDF stays untagged
    tree_root = root["/StructTreeRoot"]
    nums = tree_root["/ParentTree"]["/Nums"]
    next_key = max((int(nums[i]) for i in range(0, len(nums), 2)), default=-1) + 1
    next_key = max(next_key, int(tree_root.get("/ParentTreeNextKey", 0)))
    widgets = {str(ref.get_object()["/T"]): ref for ref in root["/AcroForm"]["/Fields"]}
    document_element = _document_element(tree_root)
    for index, field in enumerate(fields):
        widget_ref = widgets[field.name]
        widget = widget_ref.get_object()
        page_ref = widget.raw_get("/P")
        if cells:
            parent_ref = generic.IndirectObject(cells[index][0], cells[index][1], writer.prev)
        else:
            parent_ref = document_element
        element_ref = writer.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/StructElem"),
            pdf_name("/S"): pdf_name("/Form"),
            pdf_name("/P"): parent_ref,
            pdf_name("/Pg"): page_ref,
            pdf_name("/Alt"): generic.TextStringObject(field.tooltip),
            pdf_name("/K"): generic.DictionaryObject({
                pdf_name("/Type"): pdf_name("/OBJR"),
                pdf_name("/Obj"): widget_ref,
                pdf_name("/Pg"): page_ref,
            }),
        }))
        parent = parent_ref.get_object()
        kids = parent.get("/K") if "/K" in parent else None
        if isinstance(kids, generic.ArrayObject):
            kids.append(element_ref)
        elif kids is None:
            parent[pdf_name("/K")] = generic.ArrayObject([element_ref])
        else:
            parent[pdf_name("/K")] = generic.ArrayObject([parent.raw_get("/K"), element_ref])
        writer.mark_update(parent_ref)
        widget[pdf_name("/StructParent")] = generic.NumberObject(next_key)
        nums.append(generic.NumberObject(next_key))
        nums.append(element_ref)
        next_key += 1
    tree_root[pdf_name("/ParentTreeNextKey")] = generic.NumberObject(next_key)
    writer.update_container(nums)
    writer.update_container(tree_root)


def _document_element(tree_root) -> generic.IndirectObject:
    kids = tree_root.raw_get("/K")
    if isinstance(kids, generic.ArrayObject):
        kids = kids.raw_get(0)
    if not isinstance(kids, generic.IndirectObject):
        raise RenderError("the PDF's structure tree has no document element; cannot tag signature fields")
    return kids


def signature_cells(data: bytes, fields: list[FieldSpec]) -> list[tuple[int, int]]:
    """Return (object number, generation) of each field's table cell in ``data``, in field order.

    The signature table is the last run of table rows (TR) with five cells whose fourth and
    fifth (signature and date) are empty; its rows are the partners in order, one per field,
    even when the table continues over several pages. Returns [] unless there is one such row
    per field and each signature cell lies on its field's page.
    """
    with pikepdf.open(io.BytesIO(data)) as source:
        tree_root = source.Root.get("/StructTreeRoot")
        if tree_root is None:
            return []
        rows: list[list] = []
        _collect_rows(tree_root, rows, depth=0)
        candidates = [cells for cells in rows
                      if len(cells) == 5 and not _kids(cells[3]) and not _kids(cells[4])]
        if len(candidates) < len(fields):
            return []
        chosen = [cells[3] for cells in candidates[-len(fields):]]
        for cell, field in zip(chosen, fields):
            page = cell.get("/Pg")
            if page is None or page.objgen != source.pages[field.box[0]].obj.objgen:
                return []
        return [cell.objgen for cell in chosen]


def _collect_rows(element, rows: list, depth: int) -> None:
    if depth > 64:
        return
    for kid in _kids(element):
        if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid:
            continue
        if kid.S == pikepdf.Name.TR:
            rows.append([cell for cell in _kids(kid) if isinstance(cell, pikepdf.Dictionary)
                         and cell.get("/S") in (pikepdf.Name.TD, pikepdf.Name.TH)])
        else:
            _collect_rows(kid, rows, depth + 1)


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]
