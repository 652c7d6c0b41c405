"""The policy gate: recognisers (Immigration Enforcement names), the guidance's rules, the gate.

Pure rules over settings and the library; returns findings. May import ``generator.settings``
and ``generator.library``; never the document, writers, signing, the register or the CLI.
"""
