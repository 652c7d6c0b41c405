"""What a partner agency does to a marac PDF, for the signature tests: throwaway certificates made
with ``cryptography``, and signing an existing field with pyHanko as a PDF signer would.

Also a few ways to tamper with a signed copy: flip a byte, add page content or a comment in an
incremental update, or sign a byte range that leaves part of the file out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore


@dataclass
class Identity:
    """A certificate and its key, in both libraries' types."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

    @property
    def asn1_cert(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER))

    @property
    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        return asn1_keys.PrivateKeyInfo.load(self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, organisation: str, title: str | None = None, extra=()) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
                  x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                  x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if title:
        attributes.append(x509.NameAttribute(NameOID.TITLE, title))
    attributes.extend(extra)  # e.g. an organisational unit or an email address
    return x509.Name(attributes)


def _usage(**flags) -> x509.KeyUsage:
    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{name: flags.get(name, False) for name in names})


def make_ca(common_name: str = "Throwaway Root CA") -> Identity:
    """Return a self-signed root certificate authority, valid from 30 days ago for a year."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    name = _name(common_name, "Test Trust Services")
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=30)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return Identity(cert, key)


def issue_cert(ca: Identity, common_name: str, organisation: str, title: str | None = None,
               timestamping: bool = False, valid_days: tuple[int, int] = (-1, 200), extra=()) -> Identity:
    """Return a certificate issued by ``ca``: for signing, or (``timestamping``) for a TSA.

    It is valid from ``valid_days[0]`` to ``valid_days[1]`` days from now. A TSA key is RSA
    (pyHanko's in-process timestamper signs with RSA only)."""
    key = rsa.generate_private_key(65537, 2048) if timestamping else ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(_name(common_name, organisation, title, extra))
               .issuer_name(ca.cert.subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now + dt.timedelta(days=valid_days[0]))
               .not_valid_after(now + dt.timedelta(days=valid_days[1]))
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False))
    if timestamping:
        builder = (builder.add_extension(_usage(digital_signature=True), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True))
    else:
        builder = builder.add_extension(_usage(digital_signature=True, content_commitment=True), critical=True)
    return Identity(builder.sign(ca.key, hashes.SHA256()), key)


def pdf_signer(signer: Identity, ca: Identity) -> signers.SimpleSigner:
    """Return a pyHanko signer for ``signer`` that embeds the CA certificate, as signing tools do."""
    return signers.SimpleSigner(signing_cert=signer.asn1_cert, signing_key=signer.asn1_key,
                                cert_registry=SimpleCertificateStore.from_certs([ca.asn1_cert]))


def sign_field(data: bytes, field: str, signer: signers.SimpleSigner, timestamper=None) -> bytes:
    """Return ``data`` with the existing signature field ``field`` signed, as an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(field_name=field, reason="Agreed on behalf of the agency")
    return signers.sign_pdf(writer, meta, signer=signer, timestamper=timestamper,
                            existing_fields_only=True).getvalue()


def timestamper(ca: Identity) -> DummyTimeStamper:
    """Return an in-process timestamp authority whose certificate ``ca`` issued."""
    tsa = issue_cert(ca, "Throwaway TSA", "Test Trust Services", timestamping=True)
    return DummyTimeStamper(tsa_cert=tsa.asn1_cert, tsa_key=tsa.asn1_key, certs_to_embed=SimpleCertificateStore.from_certs([ca.asn1_cert]))


def flip_byte(data: bytes, offset: int) -> bytes:
    """Return ``data`` with the lowest bit of the byte at ``offset`` flipped."""
    return data[:offset] + bytes([data[offset] ^ 1]) + data[offset + 1:]


def signing_time_offset(data: bytes) -> int:
    """Return the offset of the first digit of the last signature's /M date (inside its signed range)."""
    start = data.index(b"/M (", data.rindex(b"/ByteRange"))
    return data.index(b"2", start)


def add_page_content(data: bytes, page: int = 0) -> bytes:
    """Return ``data`` with text drawn on ``page`` in an incremental update (no signature)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    stream = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 72 Td (NOT AGREED) Tj ET"))
    writer.add_stream_to_page(page, stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_comment(data: bytes, page: int = 0) -> bytes:
    """Return ``data`` with a sticky-note comment added to ``page`` in an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page_ref = writer.find_page_for_modification(page)[0]
    note = writer.add_object(generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/Text"),
        generic.pdf_name("/Rect"): generic.ArrayObject([generic.NumberObject(n) for n in (50, 50, 70, 70)]),
        generic.pdf_name("/Contents"): generic.TextStringObject("We do not agree with 3.2"),
    }))
    writer.register_annotation(page_ref, note)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sign_leaving_a_gap(data: bytes, field: str, signer: signers.SimpleSigner, gap: int = 200) -> bytes:
    """Return ``data`` signed in ``field`` with a /ByteRange that leaves ``gap`` more bytes unsigned
    than the signature itself: those bytes (just before /Contents) could then be anything."""
    signed = sign_field(data, field, signer)
    start = signed.rindex(b"/ByteRange [")
    end = signed.index(b"]", start)
    numbers = [int(n) for n in signed[start + len(b"/ByteRange ["):end].split()]
    _, first_len, second_start, second_len = numbers
    width = end - start - len(b"/ByteRange [")
    new_range = f"0 {first_len - gap} {second_start} {second_len}".encode().ljust(width)
    signed = signed[:start + len(b"/ByteRange [")] + new_range + signed[end:]
    digest = hashlib.sha256(signed[:first_len - gap] + signed[second_start:second_start + second_len]).digest()
    cms = asyncio.run(signer.async_sign(digest, "sha256")).dump().hex().encode()
    contents_start = first_len + 1  # just after "<"
    room = second_start - 1 - contents_start
    return signed[:contents_start] + cms.ljust(room, b"0") + signed[contents_start + room:]
