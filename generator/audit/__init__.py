"""Audit an existing protocol: read a DOCX/PDF (or .doc/.odt through LibreOffice), recognise the
guidance's requirements and a protocol's general sections, find conflicts, and name the library
clauses that close each gap.

Holds the readers (``reader``, ``pdf_reader``, ``convert``), the one file of recognition patterns
(``patterns.yaml``, read by ``patterns``), the document as sentences (``text``), the recognisers
(``recognise``, ``conflicts``), the remedies (``remedy``), the one entry point ``core.audit_file``
and the report shapes (``report`` for JSON and text, ``report_document`` for HTML and DOCX).

May import ``generator.settings``, ``generator.library``, ``generator.policy``,
``generator.document`` and ``generator.render`` (to write the report and annex through the
existing writers); never the register, signing, build, the web app or the CLI.
"""
