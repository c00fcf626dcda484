"""The Ministry's statistical report forms on emulation and commendation, as dated data.

A circular's forms (title, rows, columns, header formulas, which records each cell counts) are read from
``report_forms.yaml``; a successor circular is a new period there, not new code. This module also holds
the one counting engine the derived forms share: a record (one awarded recipient) counts in every cell
whose row and column both accept it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from thidua_workflow.domain.policy import Confirmation
from thidua_workflow.errors import ConfigurationError, InputRejected

Figures = dict[str, dict[str, int]]  # {row code: {column key: value}}


MAX_FIGURE = 999_999_999
"""The largest figure a cell of a form takes: the entry cell's nine digits (a longer one was a slip)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _accepts(where: Mapping[str, list[str]], record: Mapping[str, str | None]) -> bool:
    return all(record.get(field) in values for field, values in where.items())


class FormColumn(_Model):
    key: str
    label: str
    number: str | None = Field(default=None, description="the printed column number; the key by default")
    group: str | None = Field(default=None, description="the spanning header above it")
    formula: list[str] | None = Field(default=None, description="computed: the sum of these columns")
    part_of: str | None = None
    where: dict[str, list[str]] = Field(default_factory=dict)

    @property
    def printed(self) -> str:
        return self.number or self.key

    def header_formula(self) -> str | None:
        """The formula as the form prints it under the column's label: "1=(2+3+4)"."""
        if not self.formula:
            return None
        numbers = list(dict.fromkeys(_printed_number(k) for k in self.formula))
        return f"{self.printed}=({'+'.join(numbers)})"


def _printed_number(key: str) -> str:
    return key.rstrip("abcdefghij") or key


class FormRow(_Model):
    code: str | None = None
    label: str
    unit: str | None = None
    heading: bool = False
    bold: bool = False
    part_of: str | None = None
    sum_of: list[str] | None = None
    where: dict[str, list[str]] = Field(default_factory=dict)
    # An older layout's row as the sum of rows of the current movements' layout (0701 from 0601 rows).
    from_rows: list[str] | None = None

    @model_validator(mode="after")
    def _code_unless_heading(self) -> Self:
        if not self.heading and not self.code:
            raise ValueError(f"dòng '{self.label}' cần mã số (code)")
        return self


FormKind = Literal["movements", "national_awards", "provincial_awards", "organisations", "staff"]


class FormSpec(_Model):
    kind: FormKind = Field(description="what the form counts, which decides where its figures come from")
    code: str
    title: str
    unit: str | None = Field(default=None, description="'Đơn vị tính' above the table, for one-unit forms")
    deadline: str | None = None
    unit_column: bool = True
    subtitle_year: bool = False
    columns: list[FormColumn]
    rows: list[FormRow]

    @property
    def data_rows(self) -> list[FormRow]:
        return [r for r in self.rows if not r.heading]

    @property
    def entered_columns(self) -> list[FormColumn]:
        return [c for c in self.columns if not c.formula]

    @property
    def entered_rows(self) -> list[FormRow]:
        return [r for r in self.data_rows if not r.sum_of]

    def row(self, code: str) -> FormRow:
        for r in self.data_rows:
            if r.code == code:
                return r
        raise InputRejected(f"Biểu {self.code} không có dòng mã số '{code}'.")

    def complete(self, entered: Mapping[str, Mapping[str, int]]) -> Figures:
        """Every cell: the entered ones (0 where none), then the formula rows and columns."""
        out: Figures = {}
        for r in self.data_rows:
            assert r.code is not None
            out[r.code] = {c.key: int(entered.get(r.code, {}).get(c.key, 0)) for c in self.entered_columns}
        for r in self.data_rows:
            if r.sum_of:
                assert r.code is not None
                out[r.code] = {
                    c.key: sum(out[part][c.key] for part in r.sum_of) for c in self.entered_columns
                }
        for cells in out.values():
            for c in self.columns:
                if c.formula:
                    cells[c.key] = sum(cells[k] for k in c.formula)
        return out

    def count(self, records: Iterable[tuple[Mapping[str, str | None], int]]) -> Figures:
        """Each record (a kind of awarded recipient, with how many there are) counts in each cell whose
        row and column both accept it."""
        rows = [(r.code, r.where) for r in self.data_rows if r.code is not None]
        columns = [(c.key, c.where) for c in self.entered_columns]
        counts: dict[str, dict[str, int]] = {
            code: dict.fromkeys((k for k, _ in columns), 0) for code, _ in rows
        }
        for record, weight in records:
            cols = [key for key, where in columns if _accepts(where, record)]
            if not cols:
                continue
            for code, where in rows:
                if _accepts(where, record):
                    cells = counts[code]
                    for key in cols:
                        cells[key] += weight
        return self.complete(counts)

    def from_current(self, rows: Mapping[str, Mapping[str, int]]) -> Figures:
        """Figures given in the current layout of the same kind (0601's rows and columns, as
        ``movements.movement_form_rows`` gives them) on this form: its rows summed as ``from_rows`` says
        (the same code where it says nothing), its entered columns by key; a column it lacks is dropped."""
        mapped: Figures = {}
        for r in self.data_rows:
            if r.sum_of or r.code is None:
                continue
            sources = r.from_rows or [r.code]
            mapped[r.code] = {
                c.key: sum(int(rows.get(src, {}).get(c.key, 0)) for src in sources)
                for c in self.entered_columns
            }
        return self.complete(mapped)

    def check_entered(self, entered: Mapping[str, Mapping[str, Any]]) -> Figures:
        """The figures staff typed, checked: known cells only, whole numbers ≥ 0, no part above its whole."""
        known_rows = {r.code: r for r in self.entered_rows}
        known_cols = {c.key for c in self.entered_columns}
        clean: Figures = {}
        for code, cells in entered.items():
            if code not in known_rows:
                raise InputRejected(
                    f"Biểu {self.code}: dòng mã số '{code}' không nhập được (không có, hoặc là dòng tính tổng)."
                )
            for key, value in cells.items():
                if key not in known_cols:
                    raise InputRejected(
                        f"Biểu {self.code}, dòng {code}: cột '{key}' không nhập được (không có, hoặc là cột tính theo công thức)."
                    )
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise InputRejected(
                        f"Biểu {self.code}, dòng {code}, cột {key}: cần một số nguyên không âm, không phải '{value}'."
                    )
                if value > MAX_FIGURE:
                    raise InputRejected(
                        f"Biểu {self.code}, dòng {code}, cột {key}: {value} quá lớn, "
                        f"tối đa {MAX_FIGURE:_} (ô nhập 9 chữ số).".replace("_", ".")
                    )
                clean.setdefault(code, {})[key] = value
        full = self.complete(clean)
        for r in self.data_rows:
            if r.part_of is None:
                continue
            assert r.code is not None
            for c in self.entered_columns:
                part = full[r.code][c.key]
                if part > full[r.part_of][c.key]:
                    raise InputRejected(
                        f"Biểu {self.code}, cột {c.printed}: dòng {r.code} ({r.label.lstrip('-+ ')}) là {part}, "
                        f"lớn hơn dòng {r.part_of} mà nó là một phần ({full[r.part_of][c.key]})."
                    )
        # A group of rows that each are a part of the same row may not add up to more than it either.
        groups: dict[tuple[str, int], list[FormRow]] = {}
        section = 0
        for r in self.rows:
            if r.heading:
                section += 1
            elif r.part_of:
                groups.setdefault((r.part_of, section), []).append(r)
        for (whole, _), parts in groups.items():
            for c in self.entered_columns:
                total = sum(full[p.code or ""][c.key] for p in parts)
                if total > full[whole][c.key]:
                    codes = ", ".join(p.code or "" for p in parts)
                    raise InputRejected(
                        f"Biểu {self.code}, cột {c.printed}: các dòng {codes} cộng lại {total}, "
                        f"lớn hơn dòng {whole} ({full[whole][c.key]})."
                    )
        for r in self.data_rows:
            for c in self.entered_columns:
                if c.part_of and full[r.code or ""][c.key] > full[r.code or ""][c.part_of]:
                    raise InputRejected(
                        f"Biểu {self.code}, dòng {r.code}: cột {c.printed} ({c.label}) lớn hơn cột {c.part_of}."
                    )
        return clean


class FormPeriod(_Model):
    code: str
    circular: str
    title: str
    first_year: int
    last_year: int | None
    status: Confirmation
    year_start: str = Field(pattern=r"^\d{2}-\d{2}$")
    year_end: str = Field(pattern=r"^\d{2}-\d{2}$")
    receiver: str
    forms: dict[str, FormSpec]

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def bounds(self, year: int) -> tuple[date, date]:
        """The reporting year: from ``year_start`` of the year before to ``year_end`` of ``year``."""
        sm, sd = (int(x) for x in self.year_start.split("-"))
        em, ed = (int(x) for x in self.year_end.split("-"))
        return date(year - 1, sm, sd), date(year, em, ed)

    def form(self, code: str) -> FormSpec:
        try:
            return self.forms[code]
        except KeyError:
            raise InputRejected(
                f"Không có biểu '{code}' trong {self.circular} (có: {', '.join(self.forms)})."
            ) from None


class FormCatalogue(_Model):
    periods: list[FormPeriod]

    def period_for(self, year: int) -> FormPeriod:
        for period in self.periods:
            if period.covers(year):
                return period
        raise InputRejected(f"Chưa có biểu mẫu báo cáo thống kê nào áp dụng cho năm {year}.")


@cache
def catalogue() -> FormCatalogue:
    text = resources.files("thidua_workflow.domain").joinpath("report_forms.yaml").read_text(encoding="utf-8")
    try:
        return FormCatalogue.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        raise ConfigurationError(f"report_forms.yaml sai cấu trúc:\n{exc}") from exc
