"""Standard streams that cannot turn a finished run into a crash or a wrong exit code.

The reader of our output may leave early (``socmodel validate ... | head``), stdout may be a
full device (``>/dev/full``) or closed (``>&-``), and so may stderr. :func:`install` wraps
both streams once, in :func:`socmodel_cli.cli.main`; every write goes through a wrapper that
never raises, and :meth:`Guard.finish` turns what happened into the exit code:

* the reader went away (EPIPE): the run's own verdict stands (0 valid, 1 findings); what
  was not read is discarded, as ``head`` asked;
* stdout could not take the output (full, closed, I/O error): exit 2, and stderr says so;
* stderr could not take a message: nothing can be said; the exit code is unchanged.

Text the stream's encoding cannot carry (an ASCII locale) and lone surrogates (an
undecodable byte in a file name or argument) are written as backslash escapes instead of
failing; in JSON strings those escapes are valid JSON. Standard library only: this is
imported at start-up.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from typing import TextIO, cast

_SURROGATE = re.compile("[\ud800-\udfff]")


class GuardedStream:
    """A text stream that records write failures instead of raising them."""

    def __init__(self, inner: TextIO | None, name: str) -> None:
        self.inner = inner
        self.name = name
        self.reader_left = False  # EPIPE: the other end of the pipe was closed
        self.error: OSError | None = None  # any other failure: full, closed, I/O error
        self._dead = False

    # What rich, click and print look at.
    @property
    def encoding(self) -> str:
        return getattr(self.inner, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:
        return getattr(self.inner, "errors", None) or "strict"

    def isatty(self) -> bool:
        try:
            return self.inner is not None and not self._dead and self.inner.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        if self.inner is None:
            raise OSError(errno.EBADF, "stream is closed")
        return self.inner.fileno()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click probes for binary streams with write(b"")
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self._dead or not text:
            return len(text)
        if self.inner is None:
            self._fail(OSError(errno.EBADF, "the stream is closed"))
            return len(text)
        if not text.isascii() and _SURROGATE.search(text):
            # An undecodable byte of a file name or argument: written as the escape \udcff,
            # which keeps JSON valid (and parseable back) and text output UTF-8.
            text = text.encode("utf-8", "backslashreplace").decode("utf-8")
        try:
            try:
                self.inner.write(text)
            except UnicodeEncodeError:
                self.inner.write(
                    text.encode(self.encoding, "backslashreplace").decode(self.encoding)
                )
        except (OSError, ValueError) as exc:
            self._fail(exc)
        return len(text)

    def flush(self) -> None:
        if self._dead or self.inner is None:
            return
        try:
            self.inner.flush()
        except (OSError, ValueError) as exc:
            self._fail(exc)

    def _fail(self, exc: OSError | ValueError) -> None:
        self._dead = True
        if isinstance(exc, BrokenPipeError):
            self.reader_left = True
        else:
            self.error = (
                exc if isinstance(exc, OSError) else OSError(errno.EBADF, "the stream is closed")
            )
        # Point the descriptor at /dev/null so the interpreter's own flush at exit (of
        # whatever is still buffered) cannot fail again and change the exit status.
        try:
            fd = self.inner.fileno() if self.inner is not None else -1
            if fd >= 0:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, fd)
                os.close(null)
        except (OSError, ValueError, AttributeError):
            pass


class Guard:
    """Both standard streams wrapped; :meth:`finish` restores them and decides the exit code."""

    def __init__(self) -> None:
        self.saved = (sys.stdout, sys.stderr)
        self.stdout = GuardedStream(sys.stdout, "standard output")
        self.stderr = GuardedStream(sys.stderr, "standard error")
        sys.stdout = cast(TextIO, self.stdout)
        sys.stderr = cast(TextIO, self.stderr)

    def finish(self, code: int) -> int:
        self.stdout.flush()
        self.stderr.flush()
        error = self.stdout.error
        if error is not None and code in (0, 1):
            reason = error.strerror or str(error)
            self.stderr.write(
                f"socmodel: error: could not write the output to standard output: {reason}\n"
            )
            self.stderr.flush()
            code = 2
        sys.stdout, sys.stderr = self.saved
        return code


def install() -> Guard:
    return Guard()
