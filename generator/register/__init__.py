"""The register: editions, the signatures ledger, review dates and reminders.

Never imports a writer: everything here reads settings, the assembled text and its own files.
"""
