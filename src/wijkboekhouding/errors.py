"""Exceptions for conditions the program cannot continue from.

Data problems in an input file are *not* exceptions: readers collect them as
:class:`wijkboekhouding.sources.report.Problem` objects in a report.  The tree::

    WijkboekhoudingError
    ├── WorkspaceError          no workspace, bad config, unknown gemeente
    ├── CatalogueError          the indicator catalogue itself is inconsistent
    ├── SourceError             an input cannot be read at all
    │   ├── InvalidDataError    a file was read but its report has errors; nothing imported
    │   └── CBSError            the CBS API failed (after retries) or answered nonsense
    │       └── UnknownTableError
    ├── AreaError               an unknown area code or custom-area definition problem
    ├── ParameterError          the ledger parameter file is wrong (names the key)
    └── BuildError              the site could not be built; the previous site is untouched

Every message says what to do about it.
"""


class WijkboekhoudingError(Exception):
    """Base class: catch this to handle every error of this package."""


class WorkspaceError(WijkboekhoudingError):
    pass


class CatalogueError(WijkboekhoudingError):
    pass


class SourceError(WijkboekhoudingError):
    pass


class InvalidDataError(SourceError):
    """A file was read, but its validation report holds errors; nothing was imported."""

    def __init__(self, message, report=None):
        super().__init__(message)
        self.report = report


class CBSError(SourceError):
    pass


class UnknownTableError(CBSError):
    pass


class AreaError(WijkboekhoudingError):
    pass


class ParameterError(WijkboekhoudingError):
    pass


class BuildError(WijkboekhoudingError):
    pass
