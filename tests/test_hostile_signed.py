"""Issue 11 rows 8 and 9: a signed copy padded with junk, and one whose title or XMP metadata was
changed in an incremental update before it was signed. Both are refused and nothing is recorded.

Uses the session's issued and signed ISA (conftest.py, rendered once)."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

import partner_signing as partner
from generator.register.ledger import load_ledger
from signed_copies import POLICE_FIELD
from test_signatures_import import marac, refused, run_import, write  # noqa: F401  (marac is a fixture)

pytestmark = pytest.mark.slow
JUNK = 99 * 1024 * 1024


def test_99_mib_of_junk_after_a_signed_copy_is_refused_unread(marac, signed, tmp_path):
    path = tmp_path / "padded.pdf"
    with path.open("wb") as stream:
        stream.write(signed["police"])
        stream.write(b"\0" * JUNK)
    refused(run_import(marac, path), "is 99.", "so it was not opened", "padded")
    assert load_ledger(marac) == []


def test_a_little_junk_after_the_end_of_a_signed_copy_is_refused_before_parsing(marac, signed, tmp_path):
    data = signed["police"] + b"\0" * 4096
    refused(run_import(marac, write(tmp_path, "tail.pdf", data)), "does not end as a PDF does (%%EOF)")
    assert load_ledger(marac) == []


def test_a_signed_copy_padded_inside_is_refused_by_its_size_before_parsing(marac, signed, tmp_path):
    path = tmp_path / "padded.pdf"
    with path.open("wb") as stream:
        stream.write(signed["police"])
        stream.write(b"\n% padding\n" + b"x" * JUNK + b"\n%%EOF\n")
    refused(run_import(marac, path), "so it was not opened", "padded")
    assert load_ledger(marac) == []


def test_a_file_that_is_no_pdf_is_refused_at_its_first_bytes(marac, tmp_path):
    refused(run_import(marac, write(tmp_path, "notes.pdf", b"Dear coordinator, signed.\n%%EOF\n")),
            "not a readable PDF (it does not begin with %PDF-)")


def _retitled(data: bytes, title: str) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    reference = writer.trailer.raw_get("/Info")
    info = reference.get_object()
    info["/Title"] = generic.TextStringObject(title)
    writer.mark_update(reference)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _new_xmp(data: bytes, title: str) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    packet = ('<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
              '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
              'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">'
              f'{title}</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta>'
              '<?xpacket end="w"?>').encode()
    stream = generic.StreamObject({generic.pdf_name("/Type"): generic.pdf_name("/Metadata"),
                                   generic.pdf_name("/Subtype"): generic.pdf_name("/XML")}, stream_data=packet)
    writer.root[generic.pdf_name("/Metadata")] = writer.add_object(stream)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_title_changed_before_signing_is_refused(marac, issued, pki, tmp_path):
    data = partner.sign_field(_retitled(issued[1], "Westmere Marac: Draft for comment only"), POLICE_FIELD,
                              pki["police"])
    refused(run_import(marac, write(tmp_path, "retitled.pdf", data)),
            "metadata that names the edition was changed after it was issued", "document information /Title",
            "tampered")
    assert load_ledger(marac) == []


def test_xmp_metadata_changed_before_signing_is_refused(marac, issued, pki, tmp_path):
    data = partner.sign_field(_new_xmp(issued[1], "Another agreement altogether"), POLICE_FIELD, pki["police"])
    refused(run_import(marac, write(tmp_path, "xmp.pdf", data)), "the XMP metadata (title")
    assert load_ledger(marac) == []


def test_signing_alone_still_rewrites_the_xmp_and_is_accepted(marac, signed, tmp_path):
    # pyHanko, like Acrobat, rewrites the XMP packet (producer, dates) as it signs: that is allowed.
    result = run_import(marac, write(tmp_path, "signed.pdf", signed["police"]))
    assert result.exit_code == 0, result.output
    assert [s.agency for s in load_ledger(marac)] == ["Westshire Police"]


def test_an_issued_pdf_may_be_rebuilt_over_but_a_signed_copy_never(issued, signed, tmp_path):
    from generator.output_guard import OverwriteRefused, check_target, made_by_marac

    assert made_by_marac(write(tmp_path, "issued.pdf", issued[1]))
    copy = write(tmp_path, "westmere-information-sharing-agreement.pdf", signed["police"])
    assert not made_by_marac(copy)
    with pytest.raises(OverwriteRefused, match="already exists and was not written by marac"):
        check_target(copy)
