"""marac runs no pydantic plugins.

The first time pydantic builds a validator it looks through every installed package's entry
points for pydantic plugins and loads them; a plugin is then handed every value validated. For
marac that is every settings file: the names, roles and email addresses of a Marac's safeguarding
leads and signatories. marac has no use for plugins, and a package installed in the same
environment for some other reason must not see those values. pydantic's own switch
(``PYDANTIC_DISABLE_PLUGINS``) skips the search but still imports ``importlib.metadata`` for it,
and that import (with the email, zipfile and csv modules it pulls in) is about a tenth of a cold
``marac check``.

So before pydantic first needs it, marac puts in place of pydantic's plugin loader a module whose
``get_plugins`` finds none. pydantic imports that loader in one place, inside the function that
builds validators (``pydantic.plugin._schema_validator``, pydantic 2.x). Should a later pydantic
move it, this module changes nothing and pydantic searches as before, with marac's environment
variable below still turning plugins off; ``tests/test_cold_imports.py`` notices the slower path.
"""

from __future__ import annotations

import os
import sys
import types

_LOADER = "pydantic.plugin._loader"


def refuse_plugins() -> None:
    """Make pydantic find no plugins in this process; returns nothing and refuses nothing.

    Leaves pydantic's own loader alone if it was imported already (its plugins, if any, loaded).
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if _LOADER in sys.modules:
        return
    loader = types.ModuleType(_LOADER, "marac: pydantic plugins are not loaded (generator.pydantic_plugins)")
    loader.get_plugins = _no_plugins
    sys.modules[_LOADER] = loader


def _no_plugins() -> tuple:
    return ()
