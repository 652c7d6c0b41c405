"""The clause library: clauses, the requirement catalogue (G01-G24), markup and placeholders.

Reads ``clauses/`` (shipped with the package). May import ``generator.settings`` and the
document model (markup produces model blocks); never policy, document assembly, writers or the
register.
"""
