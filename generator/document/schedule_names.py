"""Which schedules each document prints, and their titles: plain data, importing nothing.

Apart from ``schedules`` (which builds them, and brings the whole document model with it) so that
``marac status`` can name a Marac's revised schedules without that import.
"""

# Which schedules each document prints, in order.
SCHEDULES_OF = {
    "mop": ("contacts", "signatories", "representatives", "pathways", "referral", "declaration"),
    "isa": ("contacts", "signatories", "representatives", "referral"),
    "annex": ("contacts", "signatories", "pathways"),
}
TITLES = {
    "contacts": "Contacts, meetings and venue",
    "signatories": "Signatories",
    "representatives": "Agency representatives and deputies",
    "pathways": "Specialist pathways: contact details",
    "referral": "Referral route",
    "declaration": "Confidentiality and attendance declaration",
    "history": "Version history",
}
