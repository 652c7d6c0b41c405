"""G03 over the answers that start a Marac (``marac init`` and the web app's new-Marac form).

A new Marac's file is refused before it is written if any answer names Immigration
Enforcement, so no command ever starts from a file that the gate would refuse for G03.
"""

from __future__ import annotations

import dataclasses

from ..errors import Problem
from ..settings.scaffold import NewMarac
from .recognisers import immigration_enforcement_email, immigration_enforcement_name
from .rules import G03_WHY


# The gate's reason, ending with what to do here: there is no entry to remove yet.
WHY = G03_WHY.replace("Remove this entry.", "Give another answer.")


def g03_answer_problems(answers: NewMarac) -> list[Problem]:
    """Return a G03 problem for each answer that names Immigration Enforcement or its domains."""
    problems = []
    for field in dataclasses.fields(answers):
        value = getattr(answers, field.name)
        if not isinstance(value, str):
            continue
        owner = immigration_enforcement_email(value) if "@" in value else None
        body = immigration_enforcement_name(value)
        if owner:
            problems.append(Problem("answers", None, field.name,
                                    f"'{value}' is an address of {owner}. {WHY}", "G03"))
        elif body:
            problems.append(Problem("answers", None, field.name, f"'{value}' names {body}. {WHY}", "G03"))
    return problems
