"""Signature fields in the PDFs: one empty field per partner over its signature cell, named
``sig-<agency-slug>`` with a tooltip, tagged as a /Form element, added as one reproducible
incremental update. Read back with pikepdf and pyHanko.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from generator.document.assemble import assemble
from generator.library.clauses import load_library
from generator.errors import RenderError
from generator.policy.gate import load_one_clean
from generator.document.model import Document, SignatureTable
from generator.render import pdf
from generator.signing.fields import FieldSpec, add_signature_fields

from test_render_html import make_document  # tests/ is on sys.path (no package)

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "local_configs"


@dataclass
class Rendered:
    document: Document
    data: bytes
    anchors: dict

    @property
    def rows(self):
        return [row for block in self.document.blocks if isinstance(block, SignatureTable) for row in block.rows]


@pytest.fixture(scope="session")
def rendered() -> dict[str, Rendered]:
    """Northbridge's MOP (32 partners, the table over three pages) and Westmere's ISA, rendered once."""
    library = load_library()
    out = {}
    for key, (name, kind) in {"northbridge-mop": ("northbridge", "mop"), "westmere-isa": ("westmere", "isa")}.items():
        document = assemble(load_one_clean(str(EXAMPLES / name)), library, kind)
        data, anchors = pdf.render_with_anchors(document)
        out[key] = Rendered(document, data, anchors)
    return out


@pytest.fixture(scope="session", params=["northbridge-mop", "westmere-isa"])
def example(request, rendered) -> Rendered:
    return rendered[request.param]


def fields_by_name(source: pikepdf.Pdf) -> dict[str, pikepdf.Dictionary]:
    return {str(field.T): field for field in source.Root.AcroForm.Fields}


def parent_tree(source: pikepdf.Pdf) -> dict[int, object]:
    nums = source.Root.StructTreeRoot.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def test_one_empty_signature_field_per_partner_named_after_its_cell(example):
    with pikepdf.open(io.BytesIO(example.data)) as source:
        fields = fields_by_name(source)
        assert list(fields) == [row.anchor for row in example.rows]
        for row in example.rows:
            field = fields[row.anchor]
            assert field.FT == pikepdf.Name.Sig and "/V" not in field and "." not in row.anchor
            assert str(field.TU) == f"Signature of {row.agency}"  # who signs is in the Signatories schedule
        assert int(source.Root.AcroForm.SigFlags) == 3  # signatures exist; viewers append, never rewrite


def test_each_field_lies_exactly_over_its_signature_cell(example):
    with pikepdf.open(io.BytesIO(example.data)) as source:
        fields = fields_by_name(source)
        for anchor, (page, x, y, width, height) in example.anchors.items():
            widget = fields[anchor]
            assert [float(v) for v in widget.Rect] == pytest.approx([x, y, x + width, y + height], abs=0.001)
            assert widget.P.objgen == source.pages[page].obj.objgen
            assert widget.objgen in {annot.objgen for annot in source.pages[page].Annots}
    assert len({box[0] for box in example.anchors.values()}) >= (3 if len(example.rows) > 30 else 1)


def test_each_widget_is_a_form_element_in_its_table_cell(example):
    with pikepdf.open(io.BytesIO(example.data)) as source:
        tree = parent_tree(source)
        assert int(source.Root.StructTreeRoot.ParentTreeNextKey) == max(tree) + 1
        for row in example.rows:
            widget = fields_by_name(source)[row.anchor]
            element = tree[int(widget.StructParent)]
            assert element.S == pikepdf.Name.Form and element.K.Type == pikepdf.Name.OBJR
            assert element.K.Obj.objgen == widget.objgen and element.Pg.objgen == widget.P.objgen
            assert str(element.Alt) == str(widget.TU)
            cell = element.P
            assert cell.S == pikepdf.Name.TD and cell.P.S == pikepdf.Name.TR
            assert list(cell.P.K).index(cell) == 3  # Agency, Signatory, Role, Signature, Date
            assert cell.Pg.objgen == widget.P.objgen
        for page in source.pages:
            if "/Annots" in page.obj:
                assert page.obj.Tabs == pikepdf.Name.S
        assert bool(source.Root.MarkInfo.Marked) and source.open_metadata().get("pdfuaid:part") == "1"


def test_fields_are_one_incremental_update_and_the_metadata_is_the_documents(example):
    meta = example.document.meta
    reader = PdfFileReader(io.BytesIO(example.data))
    assert reader.xrefs.total_revisions == 2
    first = reader.get_historical_resolver(0)
    assert "/AcroForm" not in first.root
    with pikepdf.open(io.BytesIO(example.data)) as source:
        info = source.docinfo
        assert str(info.edition) == meta.fingerprint and str(info.marac) == meta.slug
        assert str(info.ModDate).startswith("D:" + meta.date.replace("-", ""))
        assert str(source.trailer.ID[0]) == meta.fingerprint[:32]


def test_same_document_same_bytes_with_fields_in_another_process(rendered, tmp_path):
    """The PDF writer's output (fields included) is the same in another process with another hash seed."""
    example = rendered["westmere-isa"]
    assert pdf.render(example.document) == example.data
    pickled = tmp_path / "document.pickle"
    pickled.write_bytes(pickle.dumps(example.document))
    script = (
        "import hashlib, pickle, sys\n"
        "from generator.render.pdf import render\n"
        "sys.stdout.write(hashlib.sha256(render(pickle.loads(open(sys.argv[1], 'rb').read()))).hexdigest())\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(pickled)], cwd=REPO, capture_output=True,
                            text=True, env={"PYTHONHASHSEED": "54321", "PATH": "/usr/bin:/bin"}, check=True)
    assert result.stdout == hashlib.sha256(example.data).hexdigest()


@pytest.fixture(scope="module")
def small() -> tuple[bytes, dict]:
    """A one-row document's PDF as WeasyPrint writes it, before any field is added."""
    document = make_document()
    laid_out = pdf._layout(document)
    return pdf._write(laid_out, document), pdf.signature_boxes(laid_out)


def test_field_names_with_a_dot_or_twice_the_same_are_refused(small):
    data, boxes = small
    box = boxes["sig-northshire-police"]
    for names in (["sig-a.b"], ["sig-a", "sig-a"]):
        with pytest.raises(RenderError, match="unique and contain no '.'"):
            add_signature_fields(data, [FieldSpec(name, box, "tip") for name in names])


def test_a_field_with_no_matching_cell_is_tagged_under_the_document(small):
    data, boxes = small
    box = boxes["sig-northshire-police"]
    out = add_signature_fields(data, [FieldSpec("sig-one", box, "one"), FieldSpec("sig-two", box, "two")])
    with pikepdf.open(io.BytesIO(out)) as source:
        tree = parent_tree(source)
        for field in source.Root.AcroForm.Fields:
            element = tree[int(field.StructParent)]
            assert element.S == pikepdf.Name.Form and element.P.S == pikepdf.Name.Document
    assert add_signature_fields(data, []) == data
