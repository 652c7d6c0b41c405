"""G03 recogniser: Immigration Enforcement in any disguise is refused, migrant-support names pass.

Pure and fast: no files, no CLI. ``tests/test_g03_routes.py`` tries every name below in every
recipient field through ``marac check``.
"""

from __future__ import annotations

import pytest

from generator.policy.recognisers import (confirmation_key, recognise_email, recognise_free_text,
                                          recognise_name, recognise_url)
from generator.policy.recognisers_normalise import forms

CYR_O, CYR_A, CYR_E, CYR_I, CYR_H, CYR_B, CYR_C = "\u043e", "\u0430", "\u0435", "\u0406", "\u041d", "\u0412", "\u0441"
ZWSP, ZWNJ, ZWJ, WJ, BOM, SHY = "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"

# Core names in disguise: each must be refused as certain (no g03_confirmed_names can lift it).
DISGUISED = {
    "confusables (Cyrillic)": [
        f"H{CYR_O}me Office", f"{CYR_H}{CYR_O}me Office", f"B{CYR_O}rder F{CYR_O}rce", f"UKV{CYR_I}",
        f"Immigr{CYR_A}tion Enforcement", f"{CYR_H}{CYR_O}m{CYR_E} {CYR_O}ffi{CYR_C}{CYR_E}",
        f"{CYR_B}order Force", f"Imm{CYR_I}gration Enf{CYR_O}rcement", "НОМЕ ОFFICE",
        f"UK Vis{CYR_A}s {CYR_A}nd Immigr{CYR_A}tion",
    ],
    "confusables (Greek)": [
        "\u0397ome Office", "\u0392order \u03dcorce", "U\u039aV\u0399",
        "\u0397\u03bfme \u039fffice", "\u0399mmigration \u0395nforcement", "U\u039a\u0392\u0391",
        "\u0392\u03bfrder Force",
    ],
    "confusables (other scripts)": [
        "H\u0585me Office",        # Armenian oh
        "\u13bbome Office",        # Cherokee letter mi, looks like H
        "Home Offic\u0435",        # Cyrillic ie at the end
        "Border Forc\u0435",
        "\u0131mmigration Enforcement",  # Latin dotless i
        "Home \u1d0fffice",  # Latin small capital O
    ],
    "full-width": [
        "\uff28\uff4f\uff4d\uff45 \uff2f\uff46\uff46\uff49\uff43\uff45", "\uff35\uff2b\uff36\uff29",
        "\uff22\uff4f\uff52\uff44\uff45\uff52 \uff26\uff4f\uff52\uff43\uff45",
        "\uff49\uff4d\uff4d\uff49\uff47\uff52\uff41\uff54\uff49\uff4f\uff4e \uff45\uff4e\uff46\uff4f\uff52\uff43\uff45\uff4d\uff45\uff4e\uff54",
        "\uff35\uff2b\uff22\uff21",
    ],
    "mathematical alphanumerics": [
        "\U0001d407\U0001d428\U0001d426\U0001d41e \U0001d40e\U0001d41f\U0001d41f\U0001d422\U0001d41c\U0001d41e",
        "\U0001d60f\U0001d630\U0001d62e\U0001d626 \U0001d616\U0001d627\U0001d627\U0001d62a\U0001d624\U0001d626",
        "\U0001d54c\U0001d542\U0001d54d\U0001d540",
        "\U0001d539\U0001d560\U0001d563\U0001d555\U0001d556\U0001d563 \U0001d53d\U0001d560\U0001d563\U0001d554\U0001d556",
        "\U0001d644\U0001d662\U0001d662\U0001d65e\U0001d65c\U0001d667\U0001d656\U0001d669\U0001d65e\U0001d664\U0001d663 "
        "\U0001d640\U0001d663\U0001d65b\U0001d664\U0001d667\U0001d658\U0001d65a\U0001d662\U0001d65a\U0001d663\U0001d669",
        "\U0001d580\U0001d576 \U0001d56d\U0001d594\U0001d597\U0001d589\U0001d58a\U0001d597 \U0001d56c\U0001d58c\U0001d58a\U0001d593\U0001d588\U0001d59e",
    ],
    "ligatures and compatibility forms": [
        "The Home O\ufb03ce", "Home O\ufb00ice", "HOME O\ufb03CE TEAM", "Home O\ufb01ce",
        "\u24bd\u24c4\u24c2\u24ba \u24c4\u24bb\u24bb\u24be\u24b8\u24ba",      # circled
        "\u1d34\u1d52\u1d50\u1d49 \u1d3c\u1da0\u1da0\u2071\u1d9c\u1d49",      # superscript
        "\u2160mmigration Enforcement",                                      # Roman numeral one
    ],
    "zero-width and format characters": [
        f"Immigration{ZWSP}Enforcement", f"Home{ZWNJ}Office", f"Home{ZWJ}Office", f"Home{WJ}Office",
        f"Border{BOM}Force", f"U{ZWSP}K{ZWSP}V{ZWSP}I", f"Immi{ZWSP}gration Enforcement",
        f"Ho{SHY}me Office", "Home\u180eOffice", f"Bor{ZWJ}der Fo{ZWNJ}rce", f"UK{WJ}BA",
    ],
    "combining marks": [
        "H\u00f3me Office", "Ho\u0301me Office", "Bo\u0308rder Fo\u0308rce",
        "U\u0332K\u0332V\u0332I\u0332", "Im\u0336migration Enforcement", "\u1e22ome Office",
        "Border\u034fForce", "Ho\u0300\u0301\u0302me Of\u0327fice",
    ],
    "no-break and other spaces": [
        "Immigration\u00a0Enforcement", "Border\u2003Force team", "Border\u202fForce",
        "UK\u3000Visas and Immigration", "Immigration\u2009Enforcement team", "Border\u205fForce officers", "UK\u1680Border Agency",
        "Home\u00a0\u00a0\u00a0Office liaison",
    ],
    "punctuation inside and between words": [
        "Immigration.Enforcement", "Home-Office", "Home_Office", "Home/Office", "Home\u2022Office",
        "Border\u2014Force", "H.O.M.E. O.F.F.I.C.E.", "Immigration...Enforcement", "'Home' 'Office'",
        "(Home) Office", "Border*Force", "UK Visas/Immigration", "UK Visas + Immigration",
        "U.K. Visas & Immigration", "Im-migration En-forcement", "Home.Office.Immigration",
        "Ho|me Office", "UK|VI",
    ],
    "digits and symbols for letters": [
        "Home 0ffice", "H0me 0ff1ce", "B0rder F0rce", "1mmigration Enforcement",
        "Imm1grat10n Enf0rcement", "UKV1", "UK8A", "B0RD3R F0RC3", "H0M3 0FF1C3",
        "Immigrati0n Enf0rcement", "Bord3r Forc3", "UK V1sas and 1mmigration", "Hom3 Office",
        "Home|Office", "Border$Force", "H0me!0ffice", "Imm!grat!on Enforcement",
    ],
    "letters for letters (l for I, rn for m)": [
        "lmmigration Enforcement", "Irnmigration Enforcement", "UKVl", "Home Offlce",
        "Horne Office",
    ],
    "spaced, dotted and hyphenated acronyms": [
        "U K V I", "U-K-V-I", "UK-VI", "U.K.V.I.", "U K B A", "U.K.B.A.", "UK BA", "H O I E",
        "U K B F", "u.k.v.i", "UK VI team", "U. K. V. I.", "H.O.I.E.", "UK-BA",
    ],
    "joined, shouted and run together": [
        "HomeOffice", "ImmigrationEnforcement", "BORDERFORCE", "ukvisasandimmigration",
        "UKVisas&Immigration", "Home Office (Immigration)", "Home Office IE", "HOIE",
        "H o m e   O f f i c e", "UKBorderAgency", "Imigration Enforcment",
    ],
    "acting for them": [
        "Home Office contractor", "Border Force liaison officer", "UKVI liaison",
        "Immigration Officer", "Immigration Compliance and Engagement team",
        "Immigration Intelligence", "NRPF Connect", "Border Security Command",
        "Immigration and Nationality Directorate",
    ],
}
DISGUISED_NAMES = [(category, name) for category, names in DISGUISED.items() for name in names]

# Words that usually mean an enforcement body, with nothing marking an advice organisation:
# refused, but a coordinator can confirm them in g03_confirmed_names.
UNSURE = ["Visas and Immigration", "IE", "I.E.", "IE Team", "Immigration Removal Centre",
          "Immigration Control", "Border Control", "Immigration Team", "Immigration",
          "Immigration Reporting Centre", "UK Visas"]

LEGITIMATE = [
    "Visa and Immigration Advice Centre",
    "Morton Hall Immigration Removal Centre Visitors Group",
    "Women's Aid Visa & Immigration Clinic",
    "Northbridge Migrant Rights Law Centre",
    "Immigration Advice Service",
    "Immigration Law Practitioners' Association",
    "Joint Council for the Welfare of Immigrants",
    "Bail for Immigration Detainees",
    "Southall Black Sisters",
    "Migrant Help",
    "Refugee Council",
    "Welsh Refugee Council \u2014 Cyngor Ffoaduriaid Cymru",
    "Kalayaan",
    "Praxis Community Projects",
    "Latin American Women's Rights Service",
    "Border Counties Women's Aid",
    "Borderlands Refuge",
    "Scottish Borders Council",
    "Home-Start Northbridge",
    "Home Group",
    "Homes England",
    "Care Home Liaison Team",
    "Northbridge Homeless Prevention Service",
    "Office of the Police and Crime Commissioner",
    "Immigration Support Project at Ujala",
    "Independent Immigration Advice Clinic",
    "Domestic Abuse Commissioner's Office",
    "Officers of Northshire Police",
    "Northshire Police",
    "HM Prison and Probation Service",
    "Detention Action",
    "Gatwick Detainees Welfare Group",
    "Greater Manchester Immigration Aid Unit",
    "Migrants' Rights Network",
    "Refugee Action",
    "Islington Law Centre",
    "Southwark Law Centre Immigration Team",
    "Haringey Migrant Support Centre",
    "Women for Refugee Women",
    "Law Centres Network",
    "Helen Bamber Foundation",
    "Freedom from Torture",
    "Asylum Aid",
    "Rights of Women",
    "Coram Children's Legal Centre",
    "Welsh Women's Aid",
    "Ashiana Network",
    "Imkaan",
    "NRPF Network",
    "Westshire Council No Recourse to Public Funds Team",
    "Immigration Detention Visitors Group",
    "Yarl's Wood Befrienders",
    "Right to Remain",
    "Ho\u00e0ng Nguy\u1ec5n",                      # a person's name, Vietnamese
    "\u062c\u0627\u0646 \u062e\u0627\u0646",      # a person's name, Arabic script
    "Idva Service Manager",
    "Chief Superintendent",
    "Data Protection Officer, Northbridge Council",
    "Home Visiting Team, Northbridge Health Visitors",
]


@pytest.mark.parametrize("category,name", DISGUISED_NAMES)
def test_disguised_core_names_are_refused_for_certain(category, name):
    match = recognise_name(name)
    assert match is not None and match.certain, (category, name, forms(name))


def test_enough_disguises_in_every_category():
    assert len(DISGUISED_NAMES) >= 100 and all(len(names) >= 4 for names in DISGUISED.values())


@pytest.mark.parametrize("name", UNSURE)
def test_unsure_names_are_refused_but_confirmable(name):
    match = recognise_name(name)
    assert match is not None and not match.certain, name
    assert recognise_name(name, frozenset({confirmation_key(name)})) is None


@pytest.mark.parametrize("name", LEGITIMATE)
def test_migrant_support_services_and_people_pass(name):
    assert recognise_name(name) is None, (name, recognise_name(name))


def test_enough_legitimate_names():
    assert len(LEGITIMATE) >= 40


@pytest.mark.parametrize("category,name", DISGUISED_NAMES[::7])
def test_confirming_a_core_name_does_not_lift_it(category, name):
    assert recognise_name(name, frozenset({confirmation_key(name)})).certain


def test_separators_are_never_deleted_so_words_stay_apart():
    assert forms("Immigration.Enforcement").words == "immigration enforcement"
    assert forms(f"Home{ZWSP}Office").words == "home office"
    assert forms("U K V I").joined == "ukvi" and forms("UK-VI").words == "uk vi"


def test_message_shows_what_was_read():
    match = recognise_name(f"H{CYR_O}me Office")
    assert "(read as 'home office') names the Home Office" in match.describe(f"H{CYR_O}me Office")


@pytest.mark.parametrize("address", [
    "duty.officer@homeoffice.gov.uk", "A@HOMEOFFICE.GOV.UK", "someone@digital.homeoffice.gov.uk",
    "x@ukba.homeoffice.gov.uk", "x@homeoffice.gsi.gov.uk", "x@homeoffice.x.gsi.gov.uk",
    "x@homeoffice.gov.uk.", f"x@h{CYR_O}meoffice.gov.uk", "x@xn--hmeoffice-q1g.gov.uk",
    "x@h0meoffice.gov.uk", "ukvi.liaison@westshire.gov.example", "x@ukvi.gov.uk",
    "x@borderforce.gov.uk", "immigration.enforcement@mail.example", "x@home-office.gov.uk",
])
def test_home_office_addresses_are_refused(address):
    assert recognise_email(address), address


@pytest.mark.parametrize("address", [
    "immigration@westshire-lawcentre.example", "advice@migrant-help.example",
    "info@homestart.org.uk", "dpo@northbridge.gov.example", "visas@law-centre.example",
    "border.counties@womensaid.example",
])
def test_other_addresses_pass(address):
    assert recognise_email(address) is None, address


@pytest.mark.parametrize("url,refused", [
    ("https://www.gov.uk/government/organisations/home-office", True),
    ("https://www.gov.uk/government/organisations/border-force", True),
    ("https://www.gov.uk/government/organisations/immigration-enforcement", True),
    ("https://www.gov.uk/government/organisations/uk-visas-and-immigration", True),
    ("https://visas-immigration.service.gov.uk/", True),
    ("https://www.homeoffice.gov.uk/", True),
    ("https://www.gov.uk/find-an-immigration-adviser", False),
    ("https://www.womensaid.org.uk/immigration", False),
    ("https://www.northbridge-mrlc.example/survivors", False),
])
def test_web_addresses(url, refused):
    assert bool(recognise_url(url)) is refused, url


@pytest.mark.parametrize("text,refused", [
    ("The case list is also sent to Home Office Immigration Enforcement.", True),
    ("The U.K.V.I. liaison officer attends each meeting.", True),
    (f"Minutes are copied to Home{ZWSP}Office colleagues.", True),
    (f"Minutes are copied to the Imm{ZWSP}igration Enforcement team.", True),
    ("Victims are safe at home. Office staff keep the papers locked away.", False),
    ("Partners give immigration advice, i.e. help with applications.", False),
    ("Meetings are held at the Border Counties centre.", False),
])
def test_free_text(text, refused):
    assert bool(recognise_free_text(text)) is refused, text


@pytest.mark.parametrize("name,team", [
    ("Northbridge Council, No Recourse to Public Funds Team", True),
    ("Westshire NRPF Team", True),
    ("NRPF", True),
    ("Hounslow No Recourse to Public Fund Service", True),
    ("NRPF Network", False),
    ("Advocacy for women with no recourse to public funds", False),
    ("Westshire Council Housing Options", False),
])
def test_nrpf_teams_are_recognised_by_name(name, team):
    from generator.policy.g03 import nrpf_team

    assert nrpf_team(name) is team
