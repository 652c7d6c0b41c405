"""A new Marac's first marac.yaml, written from a few answers (``marac init`` and the web form).

The file is commented for a coordinator, uses the same keys as the examples, and validates
against the schema except for what only the coordinator can add (partner agencies, and the
records block when its answers are not given): ``marac check`` then says exactly what is left.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ..atomic import write_atomic
from ..errors import ConfigError, Problem
from .loader import CONFIG_NAME, problem_from_error
from .schema import Settings, slugify
from .text_rules import MULTI_LINE_REFUSED, SINGLE_LINE_REFUSED
from .yaml_source import YamlReadError, read_yaml

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# A lone surrogate is what Python makes of bytes that are not UTF-8 (a terminal in another
# encoding); it cannot be written to any file.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# What the coordinator still has to add after init; everything else must validate now.
LEFT_FOR_LATER = ("partners", "records")


@dataclass(frozen=True)
class NewMarac:
    """The essentials asked for when a Marac is started."""

    name: str
    area: str
    nation: str  # "england" or "wales"
    coordinator_name: str
    coordinator_role: str
    coordinator_agency: str
    coordinator_email: str
    chair_name: str
    chair_role: str
    chair_agency: str
    governance_group: str
    strategic_partnership: str
    mop_adopted: dt.date
    isa_adopted: dt.date
    meeting_frequency: str = "monthly"
    meeting_venue: str = ""
    minutes_storage: str = ""
    secure_email: str = ""


def marac_yaml_text(answers: NewMarac, slug: str) -> str:
    """Return the commented marac.yaml for ``answers`` (values quoted, never interpreted)."""
    q = _quote
    venue = answers.meeting_venue or "(where the Marac meets, and whether by secure video link)"
    records = (
        f"records:\n"
        f"  minutes_storage: {q(answers.minutes_storage)}\n"
        f"  retention_years: 6\n"
        f"  secure_email: {q(answers.secure_email)}\n"
        if answers.minutes_storage and answers.secure_email else
        "# records:                              # required: uncomment and fill in\n"
        "#   minutes_storage: \"(where the minutes are kept, and who can open them)\"\n"
        "#   retention_years: 6\n"
        "#   secure_email: \"(the secure email system partners use, e.g. Egress)\"\n"
    )
    return f"""\
# Local settings for {answers.name}, started with `marac init` on {dt.date.today().isoformat()}.
# Keep the keys as they are: an unknown or misspelt key is refused. Dates are YYYY-MM-DD;
# versions go in quotes ("1.0"). Values are in double quotes so that colons and apostrophes
# inside them are safe.
#
# Never list Immigration Enforcement, UK Visas and Immigration, Border Force or the Home
# Office (under any name) as a partner, signatory or recipient: the guidance forbids it (G03).
#
# What is left to do: add every partner agency under `partners:` (the chair's and the
# coordinator's agencies among them: check refuses a chair or coordinator whose agency is not a
# partner), fill in the records block if it is commented out, then run `marac check` on this
# folder until it says ok.
# local_configs/northbridge/marac.yaml shows every setting there is.

# --- The Marac itself ---------------------------------------------------------------------
marac:
  name: {q(answers.name)}
  slug: {slug}
  area: {q(answers.area)}
  nation: {answers.nation}                     # england or wales: which safeguarding law applies
  meeting:
    frequency: {q(answers.meeting_frequency)}
    venue: {q(venue)}
  chair:
    name: {q(answers.chair_name)}
    role: {q(answers.chair_role)}
    agency: {q(answers.chair_agency)}
  coordinator:                          # reminders and partners' replies go to this email
    name: {q(answers.coordinator_name)}
    role: {q(answers.coordinator_role)}
    agency: {q(answers.coordinator_agency)}
    email: {q(answers.coordinator_email)}

# --- Governance -----------------------------------------------------------------------------
governance:
  group: {q(answers.governance_group)}
  strategic_partnership: {q(answers.strategic_partnership)}

# --- The two documents: current version and review dates ----------------------------------
documents:
  operating_protocol:
    version: "1.0"
    adopted: {answers.mop_adopted.isoformat()}
    last_reviewed: {answers.mop_adopted.isoformat()}
    review_interval_months: 24          # the guidance asks for a review at least every two years
  information_sharing_agreement:
    version: "1.0"
    adopted: {answers.isa_adopted.isoformat()}
    last_reviewed: {answers.isa_adopted.isoformat()}
    review_interval_months: 24

# --- Partner agencies: each one signs both documents --------------------------------------
# Add one entry per agency, for example:
#  - name: "Eastshire Police"
#    type: police                       # see local_configs/northbridge/marac.yaml for the types
#    signatory:
#      name: "Jane Doe"
#      role: "Detective Chief Inspector, Public Protection"
#      email: "jane.doe@eastshire.police.uk"
partners: []

# --- Records ----------------------------------------------------------------------------------
{records}"""


def create_marac(root: Path, answers: NewMarac) -> Path:
    """Create ``root/<slug>/marac.yaml`` from ``answers`` and return the new folder.

    The slug comes from the Marac's name (``Eastbrook Marac`` -> ``eastbrook``). Refuses
    (``ConfigError``) when the folder exists or an answer does not validate.
    """
    return write_new_marac(Path(root) / marac_slug(answers.name), answers)


def write_new_marac(folder: Path, answers: NewMarac) -> Path:
    """Create ``folder`` with a marac.yaml from ``answers``; return ``folder``.

    Refuses (``ConfigError``, naming each answer and the fix) a folder that already exists, a
    folder name that is not a slug, and answers the schema refuses. Nothing is written then.
    """
    folder = Path(folder)
    slug = folder.name
    problems = answer_problems(answers, slug)
    if folder.exists() or folder.is_symlink():
        problems.insert(0, Problem(str(folder), None, "", (
            "already exists; choose a new folder (init never changes an existing Marac)")))
    if problems:
        raise ConfigError(problems)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(folder)  # fails if another process created it in the meantime
    except FileExistsError:
        raise ConfigError([Problem(str(folder), None, "", "already exists; choose a new folder")]) from None
    except OSError as exc:
        raise ConfigError([Problem(str(folder), None, "", f"cannot be created ({exc.strerror})")]) from None
    write_atomic(folder / CONFIG_NAME, marac_yaml_text(answers, slug).encode("utf-8"))
    return folder


def text_problem(value: str, multi_line: bool = False) -> str | None:
    """Return why ``value`` (an answer or a command-line option) cannot be written as given, or None.

    Refused: a line break (newline, U+0085, U+2028, U+2029) unless ``multi_line``, any other
    control or direction-override character (as ``text_rules`` refuses in a one-line setting),
    and a lone surrogate (bytes that were not UTF-8).
    """
    surrogate = _SURROGATE.search(value)
    if surrogate:
        return (f"holds bytes that are not UTF-8 text (read as U+{ord(surrogate.group()):04X}); set the "
                "terminal (or the script) to UTF-8 and type the text again")
    found = (MULTI_LINE_REFUSED if multi_line else SINGLE_LINE_REFUSED).search(value)
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    if found.group() in _LINE_BREAKS and not multi_line:
        return f"runs over more than one line (a line break, {code}); write it on one line"
    return f"contains a control or direction-override character ({code}); type the text again without it"


def answer_problems(answers: NewMarac, slug: str) -> list[Problem]:
    """Return what is wrong with ``answers`` as problems whose field is the answer's name."""
    problems = []
    if not re.match(SLUG_PATTERN, slug):
        problems.append(Problem(slug, None, "folder", (
            "must be lower-case letters, digits and hyphens, like eastbrook")))
    unwritable = [Problem("answers", None, name, refused) for name, value in vars(answers).items()
                  if isinstance(value, str) and (refused := text_problem(value))]
    if unwritable:
        return problems + unwritable  # the file cannot even be written to be validated
    text = marac_yaml_text(answers, slug if re.match(SLUG_PATTERN, slug) else "marac")
    try:
        source = read_yaml(Path(CONFIG_NAME), CONFIG_NAME, raw=text.encode("utf-8"))
    except YamlReadError as exc:  # not expected once the characters above are refused; never a traceback
        return problems + [Problem("answers", None, "", f"cannot be written as marac.yaml ({exc.problem.message})")]
    try:
        Settings.model_validate(source.data)
    except ValidationError as exc:
        for error in exc.errors():
            if error["loc"] and error["loc"][0] in LEFT_FOR_LATER:
                continue
            problem = problem_from_error(error, source, CONFIG_NAME)
            problems.append(Problem("answers", None, _answer_name(problem.field), problem.message))
    return problems


def marac_slug(name: str) -> str:
    """Return the folder name for a Marac called ``name``, without a trailing "-marac"."""
    slug = slugify(name)
    return slug[: -len("-marac")] if slug.endswith("-marac") and slug != "-marac" else slug


# Where each answer lands in marac.yaml, so a schema message can name the answer given.
_FIELDS = {
    "marac.name": "name", "marac.area": "area", "marac.nation": "nation",
    "marac.meeting.frequency": "meeting_frequency", "marac.meeting.venue": "meeting_venue",
    "marac.chair.name": "chair_name", "marac.chair.role": "chair_role", "marac.chair.agency": "chair_agency",
    "marac.coordinator.name": "coordinator_name", "marac.coordinator.role": "coordinator_role",
    "marac.coordinator.agency": "coordinator_agency", "marac.coordinator.email": "coordinator_email",
    "governance.group": "governance_group", "governance.strategic_partnership": "strategic_partnership",
}


def _answer_name(field: str) -> str:
    return _FIELDS.get(field, field)


def _quote(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: colons, apostrophes and '#' stay text.
    return json.dumps(value, ensure_ascii=False)
