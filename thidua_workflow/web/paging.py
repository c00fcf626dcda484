"""Paged, sorted lists on the web: which page a request asks for, and the links that keep its filters."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from thidua_workflow.domain.text import group_digits
from thidua_workflow.web.core import is_number

PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_SIZE = 50
MAX_PAGE = 1_000_000  # beyond every list; keeps OFFSET within what the databases take


@dataclass(frozen=True)
class Paging:
    """The page asked for (1-based) and its size; anything unreadable falls back to the first page of 50."""

    page: int
    size: int

    @classmethod
    def read(cls, page: str | None, size: str | None) -> Paging:
        number = min(int(page), MAX_PAGE) if is_number(page) and int(page) >= 1 else 1
        rows = int(size) if is_number(size) and int(size) in PAGE_SIZES else DEFAULT_SIZE
        return cls(number, rows)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


@dataclass(frozen=True)
class Pager:
    """What a list page shows around its table: "1–50 / 1.234", previous/next, sortable headers."""

    path: str
    filters: dict[str, str]  # the list's filters as they came, kept by every link
    sort: str
    paging: Paging
    total: int
    shown: int

    @property
    def first(self) -> int:
        return self.paging.offset + 1 if self.shown else 0

    @property
    def last(self) -> int:
        return self.paging.offset + self.shown

    @property
    def summary(self) -> str:
        """ "1–50 / 1.234": the rows shown out of the whole filtered list."""
        if not self.shown:  # an empty list, or a page past its end
            return f"0 / {group_digits(self.total)}"
        return f"{group_digits(self.first)}–{group_digits(self.last)} / {group_digits(self.total)}"

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.paging.size))

    def url(self, *, page: int | None = None, sort: str | None = None, size: int | None = None) -> str:
        """This list with the same filters, on another page, order or page size."""
        values = {k: v for k, v in self.filters.items() if v}
        chosen_sort = self.sort if sort is None else sort
        if chosen_sort:
            values["sort"] = chosen_sort
        chosen_size = size or self.paging.size
        if chosen_size != DEFAULT_SIZE:
            values["size"] = str(chosen_size)
        chosen_page = self.paging.page if page is None else page
        if sort is not None or size is not None:
            chosen_page = 1  # a new order or page size starts again from the top
        if chosen_page > 1:
            values["page"] = str(chosen_page)
        return f"{self.path}?{urlencode(values)}" if values else self.path

    @property
    def previous_url(self) -> str | None:
        return self.url(page=self.paging.page - 1) if self.paging.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(page=self.paging.page + 1) if self.last < self.total else None

    def sort_url(self, column: str) -> str:
        """Clicking a header sorts by it; clicking it again reverses the order."""
        return self.url(sort=f"-{column}" if self.sort == column else column)

    def sort_mark(self, column: str) -> str:
        if self.sort == column:
            return " ▲"
        if self.sort == f"-{column}":
            return " ▼"
        return ""

    def export_url(self, extension: str) -> str:
        """The whole filtered list in this order, as a file (no page: exports hold every row)."""
        values = {k: v for k, v in self.filters.items() if v}
        if self.sort:
            values["sort"] = self.sort
        values["format"] = extension
        return f"{self.path}?{urlencode(values)}"
