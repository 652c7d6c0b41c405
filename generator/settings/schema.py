"""The schema of a Marac's local settings (``marac.yaml``), as frozen pydantic models.

Unknown keys are refused (``extra="forbid"``) so that a typo never silently drops a
setting. Loading, line numbers and friendly messages live in ``config.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from . import recipient_types, text_rules

MAX_REVIEW_MONTHS_ALLOWED_BY_SCHEMA = 120  # policy (G21) refuses anything over 24


def _clean_text(value: str, info: ValidationInfo) -> str:
    return text_rules.clean_text(value, info.field_name)


def _email(value: str, info: ValidationInfo) -> str:
    if info.context and info.context.get(text_rules.ADDRESSES_CHECKED):
        return value  # settings from the parse cache: these exact bytes passed check_email before
    return text_rules.check_email(value)


Text = Annotated[str, AfterValidator(_clean_text)]
Email = Annotated[str, AfterValidator(_clean_text), AfterValidator(_email)]
Url = Annotated[str, Field(pattern=r"^https?://[^\s<>\"]+$")]

# Fields that name a recipient, attendee or signatory, or that a partner reads: the G03 check
# (policy.g03) walks them by these types, so a new field of one is never forgotten.
RecipientName = Annotated[Text, recipient_types.NAME]
RecipientRole = Annotated[Text, recipient_types.ROLE]
ContactEmail = Annotated[Email, recipient_types.EMAIL]
ContactUrl = Annotated[Url, recipient_types.URL]
PartnerText = Annotated[Text, recipient_types.TEXT]


class Strict(BaseModel):
    """Base for every settings block: frozen, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Person(Strict):
    name: RecipientName
    role: RecipientRole
    agency: RecipientName | None = None
    email: ContactEmail | None = None
    phone: Text | None = None


class Meeting(Strict):
    frequency: Text = Field(description="e.g. fortnightly, monthly")
    day: Text | None = Field(default=None, description="e.g. every other Tuesday")
    venue: PartnerText
    case_list_days_before: int = Field(default=5, ge=1, le=28)


class IdvaService(Strict):
    name: RecipientName
    provider: RecipientName
    phone: Text | None = None
    email: ContactEmail | None = None


class Referral(Strict):
    escalation_incidents: int = Field(
        default=3, ge=2, le=10, description="incidents within the period that trigger a referral"
    )
    escalation_period_months: int = Field(default=12, ge=1, le=24)
    referral_email: ContactEmail | None = None
    referral_deadline_days: int = Field(default=7, ge=1, le=28)


class Nation(str, Enum):
    """Which law applies: England's or Wales' safeguarding statutes (the documents cite them)."""

    england = "england"
    wales = "wales"


class Marac(Strict):
    name: RecipientName
    area: Text
    nation: Nation = Field(default=Nation.england, description="england or wales: which safeguarding law the documents cite")
    slug: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")] | None = None
    logo: Text | None = Field(default=None, description="PNG or SVG file, relative to marac.yaml (default: logo.png or logo.svg beside it)")
    meeting: Meeting
    chair: Person
    coordinator: Person
    idva_service: IdvaService | None = None
    referral: Referral = Referral()

    @field_validator("coordinator")
    @classmethod
    def _coordinator_reachable(cls, value: Person) -> Person:
        if value.email is None:
            raise ValueError("needs an email address: reminders and partners' replies go there")
        return value


class GovernanceContact(Strict):
    name: RecipientName
    email: ContactEmail
    role: RecipientRole | None = None


class Governance(Strict):
    group: RecipientName
    strategic_partnership: RecipientName
    contact: GovernanceContact | None = None


class DocumentDates(Strict):
    version: Annotated[str, Field(pattern=r"^\d+(\.\d+){0,2}$")]
    adopted: dt.date
    last_reviewed: dt.date
    review_interval_months: int = Field(default=24, ge=1, le=MAX_REVIEW_MONTHS_ALLOWED_BY_SCHEMA)


# Which block of `documents:` holds each document kind's version and dates.
DOCUMENT_KEYS = {"mop": "operating_protocol", "isa": "information_sharing_agreement", "annex": "annex"}


class Documents(Strict):
    operating_protocol: DocumentDates
    information_sharing_agreement: DocumentDates
    # Optional: a Marac that signs the annex as a document of its own gives it a version and dates.
    # Without it the annex is printed as part of the MOP and ISA and is not issued or signed alone.
    annex: DocumentDates | None = None

    def of(self, kind: str) -> DocumentDates:
        """Return the version and dates of the ``mop``, ``isa`` or ``annex``.

        Refuses (KeyError) another kind, and the annex when marac.yaml gives it no dates.
        """
        dates = getattr(self, DOCUMENT_KEYS[kind])
        if dates is None:
            raise KeyError(kind)
        return dates

    def signed_kinds(self) -> tuple[str, ...]:
        """Return the documents partners sign as documents of their own: mop, isa, and the annex when set."""
        return ("mop", "isa", "annex") if self.annex is not None else ("mop", "isa")


class PartnerType(str, Enum):
    police = "police"
    probation = "probation"
    idva = "idva"
    childrens_social_care = "childrens-social-care"
    adult_social_care = "adult-social-care"
    housing = "housing"
    health = "health"
    mental_health = "mental-health"
    substance_misuse = "substance-misuse"
    education = "education"
    specialist_service = "specialist-service"
    by_and_for_service = "by-and-for-service"
    immigration_advice = "immigration-advice"
    fire_and_rescue = "fire-and-rescue"
    local_authority = "local-authority"
    nrpf = "nrpf"  # a council No Recourse to Public Funds team: G03 warns, a clause applies
    other = "other"


class Signatory(Strict):
    name: RecipientName
    role: RecipientRole
    email: ContactEmail | None = None
    phone: Text | None = None


class Representative(Strict):
    """An agency's Marac representative or their deputy (printed in a schedule, not signed)."""

    name: RecipientName
    role: RecipientRole | None = None
    email: ContactEmail | None = None
    phone: Text | None = None


class Partner(Strict):
    name: RecipientName
    type: PartnerType
    signatory: Signatory
    representative: Representative | None = None
    deputy: Representative | None = None
    attends: bool = True
    receives_minutes: bool = True


class Recipient(Strict):
    """Someone who receives Marac papers without being a signing partner."""

    name: RecipientName
    organisation: RecipientName | None = None
    email: ContactEmail | None = None


class PathwayService(Strict):
    organisation: RecipientName
    service: PartnerText
    phone: Text | None = None
    email: ContactEmail | None = None
    url: ContactUrl | None = None
    national: bool = False
    by_and_for: bool = False
    legal_advice: bool = False


class SpecialistPathways(Strict):
    last_reviewed: dt.date | None = None
    review_interval_months: int = Field(default=12, ge=1, le=60)
    services: list[PathwayService] = []


class Champion(Strict):
    name: RecipientName
    agency: RecipientName


class MonitoringFrequency(str, Enum):
    monthly = "monthly"
    quarterly = "quarterly"
    six_monthly = "six-monthly"
    annually = "annually"


class Immigration(Strict):
    champions: list[Champion] = []
    training_provider: RecipientName | None = None
    specialist_attends: bool = False
    monitoring: MonitoringFrequency = MonitoringFrequency.quarterly


class Records(Strict):
    minutes_storage: PartnerText
    retention_years: int = Field(default=6, ge=1, le=100)
    secure_email: PartnerText
    data_protection_contact: GovernanceContact | None = None


class LocalClause(Strict):
    id: Annotated[str, Field(pattern=r"^local\.[a-z0-9_]+(\.[a-z0-9_]+)*$")]
    title: PartnerText
    section: Text
    applies_to: list[Annotated[str, Field(pattern=r"^(mop|isa|annex)$")]] = Field(min_length=1)
    text: PartnerText


class ClauseChoices(Strict):
    exclude: list[Annotated[str, recipient_types.UNPRINTED]] = []  # clause ids, never printed
    add: list[LocalClause] = []


class Settings(Strict):
    """A whole ``marac.yaml``: every block validated, nothing unknown."""

    marac: Marac
    governance: Governance
    documents: Documents
    partners: list[Partner] = Field(min_length=1)
    distribution_list: list[Recipient] = []
    specialist_pathways: SpecialistPathways = SpecialistPathways()
    immigration: Immigration = Immigration()
    records: Records
    clauses: ClauseChoices = ClauseChoices()
    g03_confirmed_names: list[Text] = Field(default=[], description=(
        "names the G03 check was unsure of that the coordinator has confirmed are not "
        "Immigration Enforcement (never a core name: Home Office, Border Force, UKVI...)"))

    @property
    def slug(self) -> str:
        """Return the folder and file-name stem for this Marac."""
        if self.marac.slug:
            return self.marac.slug
        return slugify(self.marac.name)


def agency_key(name: str) -> str:
    """Return an agency name with case and spacing normalised: two partners may not share one,
    and a signature names its partner by it."""
    return " ".join(name.casefold().split())


def slugify(text: str) -> str:
    """Return a lower-case ASCII slug of ``text`` (``"St Mary's Marac"`` -> ``st-marys-marac``)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]", "", ascii_text.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug or "marac"
