"""Convert a .doc or .odt to .docx with LibreOffice, in a temporary folder removed afterwards.

LibreOffice is optional: without it, the user is told which package to install. Its own
profile goes in the temporary folder too, so a running LibreOffice never blocks the convert.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .reader import AuditError

TIMEOUT_SECONDS = 120
PACKAGE = "libreoffice-writer-nogui"


@contextlib.contextmanager
def converted_to_docx(path: Path) -> Iterator[Path]:
    """Yield a temporary .docx made from ``path`` by ``soffice --headless --convert-to docx``.

    Refuses (``AuditError``) when LibreOffice is not installed (naming the package), when it
    fails or times out, or when it writes no file (an encrypted or damaged document).
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise AuditError(f"{path}: .doc and .odt files are read through LibreOffice, which is not "
                         f"installed. Install it (Debian/Ubuntu: sudo apt-get install {PACKAGE}), or "
                         "save the protocol as .docx or PDF and audit that file.")
    with tempfile.TemporaryDirectory(prefix="marac-audit-") as folder:
        work = Path(folder)
        source = work / f"input{path.suffix.lower() or '.doc'}"
        shutil.copyfile(path, source)  # a plain name: LibreOffice mishandles some characters
        command = [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", "docx", "--outdir", str(work / "out"), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False,
                           stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise AuditError(f"{path}: LibreOffice did not finish converting it within "
                             f"{TIMEOUT_SECONDS} seconds; save it as .docx in Word and audit that.") from None
        result = work / "out" / "input.docx"
        if not result.is_file():
            raise AuditError(f"{path}: LibreOffice could not convert it (it may be password-protected "
                             "or damaged); open it, save it as .docx, and audit that copy.")
        yield result
