"""Whole files only: write via a temporary name, fsync and rename; read a regular file, bounded.

A reader never sees half a written file, and reading never hangs on a pipe, never reads a
device such as /dev/zero without end, and never holds more than its limit in memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_CHUNK = 1 << 20


class UnreadableFile(Exception):
    """A file that ``read_bounded`` refuses; ``reason`` says why in words for a message."""

    def __init__(self, reason: str, too_large: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.too_large = too_large


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """Return the bytes of the regular file at ``path``, at most ``max_bytes`` of them.

    Refuses (``UnreadableFile``) a path that is missing, a folder, a device, a pipe or a
    socket (even through a symbolic link), one that cannot be opened, and a file longer than
    ``max_bytes``: the limit is enforced while reading, so a file that grows as it is read, or
    that lies about its size, is still stopped at the limit.
    """
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableFile("file not found; check the path") from None
    except IsADirectoryError:
        raise UnreadableFile("is a folder, not a file") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot be read ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise UnreadableFile("is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise UnreadableFile("is not an ordinary file (it is a device, a pipe or a socket); "
                                 "give the path of a real file")
        chunks, total = [], 0
        while True:
            chunk = os.read(descriptor, min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise UnreadableFile(f"is larger than {max_bytes:,} bytes, the most this file may hold",
                                     too_large=True)
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(descriptor)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder; return ``path``.

    The temporary file is removed if anything fails, so no partial file is ever left.
    Refuses (OSError) when the folder cannot be written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # here, not at the top: it pulls in shutil and the compressors, and `check` never writes

    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates 0600; keep the mode a replaced file had, else the usual umask mode,
        # so colleagues who could read the ledger or the documents still can.
        os.fchmod(handle, _mode_for(path))
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    _fsync_folder(path.parent)
    return path


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    # The rename itself is only durable once the folder entry is on disk.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
