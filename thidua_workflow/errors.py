"""The errors every front (CLI, web, flows) maps to its own way of saying no.

Each error carries a Vietnamese message meant for a person and the exit code the CLI returns::

    ThiduaError                      1  anything else
    ├── InputRejected (ValueError)   2  the input breaks a rule; nothing was changed
    │   ├── ValidationFailed             one or more problems, each naming entry, field, rule, article
    │   └── NotFound (LookupError)       an id that does not exist
    ├── NotPermitted (PermissionError) 3  role, own unit, or conflict of interest
    ├── Conflict                     4  somebody acted first, or the item moved on
    │   ├── StaleVersion                 the row changed since it was read
    │   └── TransitionNotAllowed         the lifecycle has no such arrow from the current state
    ├── DatabaseUnavailable          1  the connection failed; nothing was saved, try again
    └── ConfigurationError           1  a settings, policy or organisation file is wrong
        └── NotConfigured                a setting this action needs is missing (HTTP 503)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from thidua_workflow.domain.vocabulary import field_label, rule_name


class ThiduaError(Exception):
    """Base of every error raised on purpose by thidua-workflow."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, Any]:
        return {"error": type(self).__name__, "message": self.message}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one entry of the input."""

    message: str
    field: str | None = None
    entry: int | None = None  # 1-based position in the submitted file
    nominee: str | None = None
    rule: str | None = None
    article: str | None = None
    # The message already says where ("dòng 10, cột 'Năm': …", a sheet's own check): describe() does not
    # put "mục 10 · trường 'Năm'" before it again.
    placed: bool = False

    def describe(self) -> str:
        where = []
        if self.entry is not None:
            where.append(f"mục {self.entry}")
        if self.nominee:
            where.append(self.nominee)
        if self.field:
            where.append(f"trường '{field_label(self.field)}'")
        head = "" if self.placed else " · ".join(where)
        tail = []
        if self.rule:
            tail.append(rule_name(self.rule))
        if self.article:
            tail.append(self.article)
        text = f"{head}: {self.message}" if head else self.message
        return f"{text} [{'; '.join(tail)}]" if tail else text

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "entry": self.entry,
            "nominee": self.nominee,
            "field": self.field,
            "rule": self.rule,
            "article": self.article,
            "message": self.message,
        }
        return {k: v for k, v in data.items() if v is not None}


class InputRejected(ThiduaError, ValueError):
    exit_code = 2


class ValidationFailed(InputRejected):
    """The input was rejected whole; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem], summary: str | None = None) -> None:
        self.problems = list(problems)
        lines = [summary or f"Hồ sơ bị từ chối, không lưu gì ({len(self.problems)} lỗi):"]
        lines += [f"  - {p.describe()}" for p in self.problems]
        super().__init__("\n".join(lines))

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["problems"] = [p.to_dict() for p in self.problems]
        return data


class NotFound(InputRejected, LookupError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"Không tìm thấy {what} '{key}'.")
        self.what = what
        self.key = key


class NotPermitted(ThiduaError, PermissionError):
    exit_code = 3


class Conflict(ThiduaError):
    exit_code = 4


class StaleVersion(Conflict):
    """Raised when an UPDATE guarded by the read version touched no row."""


class TransitionNotAllowed(Conflict):
    pass


class DatabaseUnavailable(ThiduaError):
    """The database could not be reached or dropped the connection; the action did not happen."""


class ConfigurationError(ThiduaError):
    exit_code = 1


class NotConfigured(ConfigurationError):
    """A setting must be made before this action can be taken: the person is told, the operator acts."""

    http_status = 503
