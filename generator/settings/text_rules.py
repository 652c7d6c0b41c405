"""What text a setting may hold: one line without control characters, and addresses SMTP can send to.

The settings are printed into documents and email headers. A newline in a name would split an
email header (Python refuses to send it, and a header injection is what it would be if it did);
a direction override would make a document read differently from what it holds. So single-line
fields refuse every control character, newline included; only a clause's text may run over
several lines. An email address must be one an ordinary SMTP server accepts as it is: ASCII (no
SMTPUTF8), with a domain that resolves in form (checked by ``email-validator``, without asking
DNS, so ``check`` works offline).

``email-validator`` costs about 20 ms to import (it compiles large Unicode patterns), a tenth of a
cold ``marac check``; so it is imported only when an address is really checked. Settings read from
the parse cache are the exact bytes this release of marac (and of email-validator: the cache's
folder names both) accepted before, so their addresses are not checked again
(``ADDRESSES_CHECKED`` in pydantic's validation context); every other rule is.
"""

from __future__ import annotations

import re

# The pydantic validation context key that says the addresses were checked when this exact file
# was first read (settings from the parse cache).
ADDRESSES_CHECKED = "addresses checked"

# C0 and C1 controls (newline and tab too), line and paragraph separators, and the Unicode
# direction embeddings, overrides and isolates.
SINGLE_LINE_REFUSED = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# A multi-line text may hold newlines and tabs, nothing else of the above.
MULTI_LINE_REFUSED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MULTI_LINE_FIELDS = frozenset({"text"})  # a local clause's own text (clauses.add[].text)


def clean_text(value: str, field: str | None = None) -> str:
    """Return ``value`` stripped of surrounding spaces.

    Refuses (ValueError, saying what to do) a value holding a control or direction-override
    character (a newline too, unless ``field`` is a multi-line field), and an empty value.
    """
    value = value.strip()  # first: a folded '>' block ends in a newline that is no second line
    multi_line = field in MULTI_LINE_FIELDS
    found = (MULTI_LINE_REFUSED if multi_line else SINGLE_LINE_REFUSED).search(value)
    if found:
        if found.group() in "\r\n" and not multi_line:
            raise ValueError("runs over more than one line; write it on one line (a folded '>' block "
                             "or a line break inside quotes makes two lines)")
        raise ValueError("contains a control or direction-override character "
                         f"(U+{ord(found.group()):04X}); retype the text without it")
    if not value:
        raise ValueError("is empty; give a value or remove the key")
    return value


def check_email(value: str) -> str:
    """Return ``value`` when an SMTP server can send to it as written.

    Refuses (ValueError, saying what is wrong) anything ``email-validator`` rejects without
    SMTPUTF8: no @, an empty or too long part, a character an address cannot hold, a non-ASCII
    local part (``tómás@...``), a domain that is not a name with a dot. A domain in non-ASCII
    letters is refused with its ASCII (``xn--``) form, which is the one to write.
    """
    from email_validator import EmailNotValidError, validate_email

    try:
        # globally_deliverable=False: test and internal domains (.example, .internal) are allowed;
        # the domain's form is still checked.
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False,
                                globally_deliverable=False)
    except EmailNotValidError as exc:
        raise ValueError(f"'{value}' is not an email address an email server can send to ({exc}); "
                         "write it as name@example.org.uk") from None
    if "." not in result.ascii_domain:
        raise ValueError(f"'{value}' has no full domain after the @ (like example.org.uk); "
                         "write the whole address")
    if not value.isascii():
        raise ValueError(f"'{value}' has non-ASCII letters in its domain; write it as "
                         f"{result.ascii_email}, the form email servers use")
    return value
