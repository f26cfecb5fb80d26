"""Every error the engine raises.

All of them derive from :class:`MediationError`, so a caller (the CLI, an
interview) can catch one class and show ``str(error)``, which always names
where the problem is: a file and line, a field path or a clause id.  Library
code raises these; only the CLI and the interviews turn them into messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class MediationError(Exception):
    """Root of every error raised by this package."""

    #: Process exit status the CLI uses for this kind of error (2: bad input).
    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field_path: str | None = None,
        clause_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.field_path = field_path
        self.clause_id = clause_id
        self.hint = hint
        super().__init__(self.__str__())

    def location(self) -> str:
        """``file:line`` (or whichever parts are known), for the front of a message."""
        parts = []
        if self.path:
            parts.append(self.path if self.line is None else f"{self.path}:{self.line}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        return "".join(parts)

    def __str__(self) -> str:
        where = self.location()
        subject = []
        if self.clause_id:
            subject.append(f"clause '{self.clause_id}'")
        if self.field_path:
            subject.append(f"field '{self.field_path}'")
        text = self.message
        if subject:
            text = f"{', '.join(subject)}: {text}"
        if where:
            text = f"{where}: {text}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return text


class CaseFileError(MediationError):
    """A case file cannot be read or does not match the case model."""


@dataclass(frozen=True)
class Problem:
    """One finding inside a multi-problem error: where, and what is wrong."""

    message: str
    path: str | None = None
    line: int | None = None
    field_path: str | None = None

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        text = f"{self.field_path}: {self.message}" if self.field_path else self.message
        return f"{where}: {text}" if where else text


class CaseValidationError(CaseFileError):
    """A case file parsed but one or more fields are wrong; ``problems`` lists each."""

    def __init__(self, problems: list[Problem], *, path: str | Path | None = None) -> None:
        self.problems = problems
        first = problems[0] if problems else Problem("invalid case")
        super().__init__(
            first.message, path=path, line=first.line, field_path=first.field_path
        )

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class ClauseError(MediationError):
    """A clause file is malformed, or its text fails to render."""


class LibraryError(MediationError):
    """A clause library directory is missing or inconsistent."""


@dataclass
class LintReport:
    """Findings from ``lint``: each a :class:`Problem` with file and line."""

    problems: list[Problem] = field(default_factory=list)
    clauses_checked: int = 0
    libraries_checked: int = 0

    def add(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.problems.append(Problem(message, path=path, line=line))

    def __bool__(self) -> bool:
        return bool(self.problems)


class LintFailed(MediationError):
    """``lint`` found problems; exit status 1 rather than 2."""

    exit_code = 1

    def __init__(self, report: LintReport) -> None:
        self.report = report
        super().__init__(f"{len(report.problems)} problem(s) found")

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.report.problems)


class AssemblyError(MediationError):
    """Clauses could not be put together into an agreement (e.g. a bad cross-reference)."""


class RenderError(MediationError):
    """An output format (PDF, DOCX, HTML, calendar) could not be produced."""


class ScheduleError(MediationError):
    """A parenting-time schedule is impossible or ambiguous."""


class FormError(MediationError):
    """A fillable PDF form or its mapping is wrong (unknown field, bad value...)."""


class FormProblems(FormError):
    """A form mapping (or the values it gives) has one or more problems; ``problems`` lists each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0] if problems else Problem("the form mapping has problems")
        super().__init__(first.message, path=first.path, line=first.line, field_path=first.field_path)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class StoreError(MediationError):
    """The case store refused an operation (unknown case, bad token, stale approval...)."""


class SignatureError(MediationError):
    """A signature could not be captured, applied or verified."""


class VerificationFailed(MediationError):
    """``verify`` found that a signed agreement or its record has been altered."""

    exit_code = 1


class DeliveryError(MediationError):
    """A message could not be sent (the mail server refused it or cannot be reached); nothing was recorded."""


class ReferralError(MediationError):
    """A resource file of the referral directory is malformed, or a referral cannot be given."""


class ConfigError(MediationError):
    """Configuration is missing or wrong (encryption key, certificate, office settings)."""


class GuidelineError(MediationError):
    """A child support guideline file, its tables or the inputs given to it are wrong.

    ``problems`` lists every finding (each a :class:`Problem` with file and
    line); ``str(error)`` is one ``path:line: message`` per line.  A single
    finding can be given as ``message`` with ``path``/``line`` as for any
    :class:`MediationError`.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        problems: list[Problem] | None = None,
        path: str | Path | None = None,
        line: int | None = None,
        field_path: str | None = None,
        hint: str | None = None,
    ) -> None:
        if problems is None:
            problems = [Problem(message or "invalid guideline", path=str(path) if path is not None else None, line=line, field_path=field_path)]
        self.problems = problems
        first = problems[0] if problems else Problem("invalid guideline")
        super().__init__(first.message, path=first.path, line=first.line, field_path=first.field_path, hint=hint)

    def __str__(self) -> str:
        text = "\n".join(str(p) for p in self.problems)
        return f"{text} ({self.hint})" if self.hint else text
