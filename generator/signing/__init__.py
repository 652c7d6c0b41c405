"""Signing: signature fields in PDFs, verification of signed copies, import, signature records.

Sits above the writers and the register, and joins them: it may import the document, render and
register packages. Nothing below it imports it, except that the PDF writer uses ``fields``
(which imports only ``generator.errors``).
"""
