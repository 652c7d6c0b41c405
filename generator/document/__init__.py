"""The document: the frozen model, the assembler (settings + clauses -> model) and fingerprint.

May import ``generator.settings``, ``generator.library`` and ``generator.policy``; never a writer,
signing, the register or the CLI. ``model`` itself imports nothing of the project.
"""
