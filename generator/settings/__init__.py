"""Settings: a Marac's marac.yaml -> validated, frozen settings.

Holds the YAML reader with line maps (``yaml_source``), the pydantic schema (``schema``), the
loader that turns every error into file:line: field: message (``loader``), the parse cache
(``cache``), and the files beside marac.yaml that the documents use: the logo (``logo``) and a
Word house style (``house_style``). May import only ``generator.errors``, ``generator.atomic``,
``generator.dates`` and ``generator.document.model`` (for the logo's ``Image``).
"""
