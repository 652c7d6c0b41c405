"""Audit an existing protocol: read a DOCX/PDF (or .doc/.odt through LibreOffice), recognise the
guidance's requirements and a protocol's general sections, find conflicts, and name the library
clauses that close each gap.

Holds the readers (``reader``, ``pdf_reader``, ``convert``), the one file of recognition patterns
(``patterns.yaml``, read by ``patterns``), the recognisers (``recognise``, ``conflicts``), the
remedies (``remedy``) and the report shapes (``report``, ``report_document``).

May import ``generator.settings``, ``generator.library``, ``generator.policy``,
``generator.document`` and ``generator.render`` (to write the report and annex through the
existing writers); never the register, signing, build, the web app or the CLI.
"""
