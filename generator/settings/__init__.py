"""Settings: a Marac's marac.yaml -> validated, frozen settings.

Holds the YAML reader with line maps (``yaml_source``), the pydantic schema (``schema``), the
loader that turns every error into file:line: field: message (``loader``) and the parse cache
(``cache``). May import only ``generator.errors``, ``generator.atomic`` and ``generator.dates``.
"""
