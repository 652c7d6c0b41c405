"""The coordinator's local web app (``marac serve``) and the static dashboard (``marac dashboard``).

Holds the Starlette application, its pages (dashboard, new Marac, settings form, preview and
downloads, register), the safety layer (loopback Host check, CSRF, CSP, upload limits) and the
round-trip editing of marac.yaml. Every rule is the package below's: this package only calls
settings, library, policy, document, render, register and signing, so the web app and the CLI
can never disagree. May import every package below it; only the CLI imports it.
"""
