"""The one exception tree of linkatlas.

    LinkatlasError              base; its message is one line that says what to do
    ├── UsageError              bad arguments or settings (CLI exit code 2)
    ├── InputError              a file we cannot read as what it claims to be (exit 1)
    │   └── UnknownFormatError  no reader recognises the file
    ├── IndexError_             the link index is unusable (locked, newer schema, corrupt)
    └── MissingExtraError       an optional dependency is not installed; names the pip line

Every message names the file or setting concerned and the fix. The CLI prints the
message on one line and exits 1 (2 for UsageError); ``--traceback`` shows the rest.
"""

from __future__ import annotations


class LinkatlasError(Exception):
    """Base of every error linkatlas raises on purpose."""

    exit_code = 1


class UsageError(LinkatlasError):
    exit_code = 2


class InputError(LinkatlasError):
    def __init__(self, path: str, problem: str, fix: str = "") -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        message = f"{path}: {problem}"
        if fix:
            message += f" — {fix}"
        super().__init__(message)


class UnknownFormatError(InputError):
    pass


class IndexError_(LinkatlasError):
    pass


class MissingExtraError(LinkatlasError):
    def __init__(self, module: str, extra: str) -> None:
        super().__init__(f"{module} is not installed — pip install 'linkatlas[{extra}]'")
