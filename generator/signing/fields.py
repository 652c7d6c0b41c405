"""Empty digital-signature fields over the signature cells of a rendered PDF.

WeasyPrint writes the pages; qpdf (through pikepdf) repacks them into small object streams
(see ``_repack``); then one pikepdf pass over the repacked file finds the signature cells and
appends, as one incremental update written here, one empty signature field per partner agency,
placed exactly over that agency's signature cell. The PDF so has two revisions, and each
partner's signature adds one. Each field is named after the cell's anchor (``sig-<agency-slug>``,
never a '.') and carries a tooltip (``/TU``) naming the agency. pyHanko,
which signs and verifies, is not imported to build: the update is plain PDF (ISO 32000-1 7.5.6,
an incremental update with a cross-reference stream, 7.5.8).

The fields are linked into the structure tree so the PDF stays tagged: each widget gets a
``/Form`` structure element (holding an object reference to the widget) inside the table cell
it covers when that cell can be found (falling back to the document element), a
``/StructParent`` and an entry in the parent tree. Pages keep WeasyPrint's ``/Tabs /S``.

The update is reproducible: it writes no date (the metadata keeps the document's own), and the
second /ID half is an MD5 of the rendered bytes and the fields, so the same document gives the
same bytes, in one process or many.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from dataclasses import dataclass
from decimal import Decimal

import pikepdf

from ..errors import RenderError

Box = tuple[int, float, float, float, float]  # page index, x, y, width, height (points, bottom-left)
_PRINT_AND_LOCKED = 4 | 128  # annotation flags: print it; the widget itself cannot be moved or deleted
_SIG_FLAGS = 3  # SignaturesExist | AppendOnly


@dataclass(frozen=True)
class FieldSpec:
    """One signature field to add: its name (the cell anchor), where, and its tooltip."""

    name: str
    box: Box
    tooltip: str


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
    with pikepdf.open(io.BytesIO(packed)) as pdf:
        pages = len(pdf.pages)
        for field in fields:
            if not 0 <= field.box[0] < pages:
                raise RenderError(f"signature field {field.name} is on page {field.box[0] + 1}, "
                                  f"but the PDF has {pages} pages")
        update = _Update(pdf)
        cells = _cells(pdf, fields)
        widgets = [_add_widget(pdf, update, field) for field in fields]
        pdf.Root.AcroForm = update.new(pikepdf.Dictionary(Fields=pikepdf.Array(widgets), SigFlags=_SIG_FLAGS))
        update.touch(pdf.Root)
        _tag_widgets(pdf, update, fields, widgets, cells)
        return packed + update.serialise(packed, _second_id(data, fields))


class _Update:
    """The objects an incremental update writes: those changed (by object number) and those new."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.objects: dict[tuple[int, int], None] = {}  # ordered set of objgens

    def new(self, value) -> pikepdf.Object:
        """Return ``value`` made an indirect object of the update."""
        made = self.pdf.make_indirect(value)
        self.objects[made.objgen] = None
        return made

    def touch(self, obj: pikepdf.Object) -> None:
        """Note that the indirect object ``obj`` was changed and must be written again."""
        if not obj.is_indirect:
            raise RenderError("internal: a direct PDF object cannot be written on its own")
        self.objects[obj.objgen] = None

    def serialise(self, previous: bytes, second_id: bytes) -> bytes:
        """Return the update's bytes (objects, cross-reference stream, trailer) to append to ``previous``."""
        found = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", previous[-1024:])
        if not found:
            raise RenderError("the repacked PDF has no startxref; cannot add signature fields")
        trailer = self.pdf.trailer
        out = bytearray(b"" if previous.endswith(b"\n") else b"\n")
        offsets: dict[int, tuple[int, int]] = {}
        for objgen in sorted(self.objects):
            offsets[objgen[0]] = (len(previous) + len(out), objgen[1])
            out += _object_bytes(objgen, self.pdf.get_object(objgen))
        xref_number = max(max(offsets), len(self.pdf.objects)) + 1
        offsets[xref_number] = (len(previous) + len(out), 0)
        numbers = sorted(offsets)
        index, rows = [], bytearray()
        for number in numbers:
            if index and index[-2] + index[-1] == number:
                index[-1] += 1
            else:
                index += [number, 1]
            offset, generation = offsets[number]
            rows += b"\x01" + offset.to_bytes(8, "big") + generation.to_bytes(2, "big")
        stream = zlib.compress(bytes(rows), 9)
        first_id = bytes(trailer.ID[0])
        header = (f"<< /Type /XRef /Size {xref_number + 1} /W [ 1 8 2 ] "
                  f"/Index [ {' '.join(map(str, index))} ] /Prev {int(found.group(1))} "
                  f"/Root {_reference(trailer.Root)} /Info {_reference(trailer.Info)} "
                  f"/ID [ <{first_id.hex()}> <{second_id.hex()}> ] "
                  f"/Filter /FlateDecode /Length {len(stream)} >>").encode("ascii")
        out += f"{xref_number} 0 obj\n".encode("ascii") + header + b"\nstream\n" + stream
        out += b"\nendstream\nendobj\n" + f"startxref\n{offsets[xref_number][0]}\n%%EOF\n".encode("ascii")
        return bytes(out)


def _reference(obj: pikepdf.Object) -> str:
    number, generation = obj.objgen
    return f"{number} {generation} R"


def _object_bytes(objgen: tuple[int, int], obj: pikepdf.Object) -> bytes:
    head = f"{objgen[0]} {objgen[1]} obj\n".encode("ascii")
    if isinstance(obj, pikepdf.Stream):
        raw = obj.read_raw_bytes()
        dictionary = pikepdf.Dictionary({key: value for key, value in obj.stream_dict.items() if key != "/Length"})
        dictionary.Length = len(raw)
        return head + dictionary.unparse() + b"\nstream\n" + raw + b"\nendstream\nendobj\n"
    return head + obj.unparse(resolved=True) + b"\nendobj\n"


def _add_widget(pdf: pikepdf.Pdf, update: _Update, field: FieldSpec) -> pikepdf.Object:
    """Add one field (merged with its widget annotation, with an empty appearance) to its page."""
    page_index, x, y, width, height = field.box
    page = pdf.pages[page_index].obj
    appearance = update.new(pikepdf.Stream(pdf, b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                                           BBox=pikepdf.Array(_numbers(0, 0, width, height)),
                                           Resources=pikepdf.Dictionary()))
    widget = update.new(pikepdf.Dictionary(
        FT=pikepdf.Name.Sig, T=pikepdf.String(field.name), Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Widget, F=_PRINT_AND_LOCKED, Rect=pikepdf.Array(_numbers(x, y, x + width, y + height)),
        P=page, TU=pikepdf.String(field.tooltip), AP=pikepdf.Dictionary(N=appearance)))
    annots = page.get("/Annots")
    if annots is None:
        page.Annots = pikepdf.Array([widget])
        update.touch(page)
    else:
        annots.append(widget)
        update.touch(annots if annots.is_indirect else page)
    return widget


def _numbers(*values: float) -> list[Decimal]:
    # Three decimals: what the layout measures to, without float noise in the file.
    return [Decimal(str(round(value, 3))) for value in values]


def _second_id(data: bytes, fields: list[FieldSpec]) -> bytes:
    digest = hashlib.md5(data, usedforsecurity=False)
    for field in fields:
        digest.update(repr((field.name, field.box, field.tooltip)).encode("utf-8"))
    return digest.digest()


def _repack(data: bytes) -> bytes:
    """Return ``data`` rewritten by qpdf with object streams of at most 100 objects.

    WeasyPrint puts every object in one object stream, and a reader that re-reads a stream's
    whole header for each object it fetches from it (pyHanko does, when partners' signed copies
    are verified) would take tens of seconds over a long document; qpdf's small streams make it a
    fraction of a second. The rewrite keeps the objects and the first /ID half, and its second half
    is computed from the content.
    """
    with pikepdf.open(io.BytesIO(data)) as source:
        out = io.BytesIO()
        source.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True,
                    deterministic_id=True)
    return out.getvalue()


def _tag_widgets(pdf: pikepdf.Pdf, update: _Update, fields: list[FieldSpec], widgets: list,
                 cells: list) -> None:
    """Give each field's widget a /Form structure element, a /StructParent and a parent-tree entry.

    ``cells`` holds each field's table cell, in field order, or is empty; then the elements go
    into the document element.
    """
    tree_root = pdf.Root.get("/StructTreeRoot")
    if tree_root is None:
        return  # an untagged PDF stays untagged
    parent_tree = tree_root.ParentTree
    nums = parent_tree.Nums
    next_key = max((int(nums[i]) for i in range(0, len(nums), 2)), default=-1) + 1
    next_key = max(next_key, int(tree_root.get("/ParentTreeNextKey", 0)))
    document_element = None if cells else _document_element(tree_root)
    for index, (field, widget) in enumerate(zip(fields, widgets)):
        parent = cells[index] if cells else document_element
        page = widget.P
        element = update.new(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.Form, P=parent, Pg=page,
            Alt=pikepdf.String(field.tooltip),
            K=pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=widget, Pg=page)))
        kids = parent.get("/K")
        if isinstance(kids, pikepdf.Array):
            kids.append(element)
            update.touch(kids if kids.is_indirect else parent)
        else:
            parent.K = pikepdf.Array([element] if kids is None else [kids, element])
            update.touch(parent)
        widget.StructParent = next_key
        nums.append(next_key)
        nums.append(element)
        next_key += 1
    tree_root.ParentTreeNextKey = next_key
    update.touch(nums if nums.is_indirect else parent_tree)
    update.touch(tree_root)


def _document_element(tree_root) -> pikepdf.Object:
    kids = tree_root.get("/K")
    if isinstance(kids, pikepdf.Array) and len(kids):
        kids = kids[0]
    if not isinstance(kids, pikepdf.Dictionary) or not kids.is_indirect:
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
        return [cell.objgen for cell in _cells(source, fields)]


def _cells(source: pikepdf.Pdf, fields: list[FieldSpec]) -> list:
    """Return each field's signature cell (see ``signature_cells``) in an open PDF, or []."""
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
        if page is None or page.objgen != source.pages[field.box[0]].obj.objgen or not cell.is_indirect:
            return []
    return chosen


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
