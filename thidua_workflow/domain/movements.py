"""The year around the awards: emulation movements (phong trào thi đua), registrations (đăng ký thi đua)
and a bloc's yearly pledge (giao ước thi đua), as pure data and rules.

A movement is recorded with every attribute the Ministry's form 0601.N/BNV-TĐKT (Thông tư 02/2023/TT-BNV)
counts, entered when the movement is launched, so the yearly report is a count and never a guess:

- its method (Luật Thi đua, khen thưởng 2022 Điều 16 khoản 1: thường xuyên or theo chuyên đề) → rows 11–12;
- its scope (Điều 16 khoản 2: toàn quốc; bộ, ban, ngành, đoàn thể, địa phương; cụm, khối thi đua;
  cơ quan, tổ chức, đơn vị) → rows 02–05;
- the level of the body that launched it (form 0601's columns 2–4);
- its duration class, from its first and last day → rows 06–10 (the boundary between "1 năm" and
  "Từ 1 năm đến dưới 3 năm" is not defined in any text we hold: ``duration_class`` documents our reading).

The Law's articles 16 and 18 were read in the Công báo (số 571 + 572 ngày 15/7/2022); the layout of 0601
comes from a public implementation (../shared/tt02-2023-forms.md), not the circular's annex: TO CONFIRM.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from thidua_workflow.domain.enums import LabelledEnum, NomineeKind
from thidua_workflow.domain.fields import PolicyCode, Slug, VnLine, VnName, VnText


class MovementMethod(LabelledEnum):
    """Hình thức tổ chức thi đua (Luật 2022 Điều 16 khoản 1); form 0601 rows 11–12."""

    THEMATIC = ("thematic", "Thi đua theo chuyên đề")
    REGULAR = ("regular", "Thi đua thường xuyên hằng năm")


class MovementScope(LabelledEnum):
    """Phạm vi tổ chức thi đua (Luật 2022 Điều 16 khoản 2); form 0601 rows 02–05."""

    NATIONAL = ("national", "Toàn quốc")
    SECTOR_LOCAL = ("sector_local", "Bộ, ban, ngành, đoàn thể, địa phương")
    BLOC = ("bloc", "Cụm, khối thi đua do Hội đồng Thi đua - Khen thưởng các cấp tổ chức")
    ORGANISATION = ("organisation", "Cơ quan, tổ chức, đơn vị")


class LauncherLevel(LabelledEnum):
    """The level of the body that launched the movement (cấp chủ trì phát động); form 0601 columns 2–4."""

    CENTRAL = ("central", "Cấp Trung ương (Hội đồng Thi đua - Khen thưởng Trung ương)")
    MINISTRY_PROVINCE = (
        "ministry_province",
        "Cấp bộ, ban ngành đoàn thể trung ương, tỉnh, thành phố trực thuộc Trung ương",
    )
    ORGANISATION = ("organisation", "Cơ quan, tổ chức, đơn vị")


class LauncherKind(LabelledEnum):
    """Which body launched it: the province (UBND tỉnh), one of its units (a department, an
    association) or a bloc (khối thi đua)."""

    PROVINCE = ("province", "Ủy ban nhân dân tỉnh")
    UNIT = ("unit", "Sở, ban, ngành, đơn vị")
    BLOC = ("bloc", "Khối thi đua")


class DurationClass(LabelledEnum):
    """Thời hạn thi đua; form 0601 rows 06–10."""

    UNDER_ONE_YEAR = ("under_1y", "Dưới 1 năm")
    ONE_YEAR = ("1y", "1 năm")
    ONE_TO_THREE = ("1y_3y", "Từ 1 năm đến dưới 3 năm")
    THREE_TO_FIVE = ("3y_5y", "Từ 3 năm đến dưới 5 năm")
    FIVE_AND_MORE = ("5y_plus", "Từ 5 năm trở lên")


class MovementDocumentKind(LabelledEnum):
    PLAN = ("ke_hoach", "Kế hoạch tổ chức phong trào")
    LAUNCH_DECISION = ("quyet_dinh_phat_dong", "Quyết định, văn bản phát động")
    OTHER = ("khac", "Tài liệu khác")


class ReviewStage(LabelledEnum):
    """A movement's reviews: its mid-year and year-end bloc rounds."""

    MID_YEAR = ("so_ket", "Sơ kết")
    YEAR_END = ("tong_ket", "Tổng kết")


class RegistrationStatus(LabelledEnum):
    SUBMITTED = ("submitted", "Đã đăng ký")
    COLLECTED = ("collected", "Trưởng khối đã tổng hợp")


class PledgeStatus(LabelledEnum):
    SIGNING = ("signing", "Đang ký giao ước")
    SIGNED = ("signed", "Các đơn vị đã ký đủ")


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def duration_class(starts_on: date, ends_on: date) -> DurationClass:
    """Form 0601's duration row for a movement running from ``starts_on`` to ``ends_on`` inclusive.

    Our reading (TO CONFIRM against the annex's "giải thích"): "1 năm" is a movement of exactly one year
    (e.g. 01/01–31/12, give or take one day for how the dates were written); shorter is "Dưới 1 năm";
    longer and under three years is "Từ 1 năm đến dưới 3 năm"; then by whole years.
    """
    end_exclusive = ends_on + timedelta(days=1)
    one_year = _add_years(starts_on, 1)
    if end_exclusive < one_year - timedelta(days=1):
        return DurationClass.UNDER_ONE_YEAR
    if end_exclusive <= one_year + timedelta(days=1):
        return DurationClass.ONE_YEAR
    if end_exclusive < _add_years(starts_on, 3):
        return DurationClass.ONE_TO_THREE
    if end_exclusive < _add_years(starts_on, 5):
        return DurationClass.THREE_TO_FIVE
    return DurationClass.FIVE_AND_MORE


def default_level(kind: LauncherKind) -> LauncherLevel:
    """The level a launcher usually has: the province is column 3; its units and its blocs column 4
    (a public implementation puts every cụm/khối movement in column 4: TO CONFIRM)."""
    return LauncherLevel.MINISTRY_PROVINCE if kind is LauncherKind.PROVINCE else LauncherLevel.ORGANISATION


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MovementDocumentIn(_In):
    kind: MovementDocumentKind
    file: Annotated[str, Field(min_length=1, max_length=500)]
    title: VnLine | None = None
    number: VnLine | None = None
    dated: date | None = None


class MovementIn(_In):
    """A movement as its launcher enters it (CLI YAML, web form)."""

    code: Slug
    name: VnLine
    launcher_kind: LauncherKind
    launcher: Slug | None = Field(default=None, description="the unit or bloc id; none for the province")
    launcher_level: LauncherLevel | None = None
    scope: MovementScope
    method: MovementMethod
    launched_on: date
    starts_on: date
    ends_on: date
    registration_deadline: date | None = None
    goals: VnText | None = None
    criteria: VnText | None = None
    units: list[Slug] = Field(default_factory=list, description="the units it covers")
    blocs: list[Slug] = Field(default_factory=list, description="blocs whose members it covers")
    documents: list[MovementDocumentIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on (ngày kết thúc) trước starts_on (ngày bắt đầu)")
        if self.launcher_kind is LauncherKind.PROVINCE and self.launcher is not None:
            raise ValueError("launcher: phong trào do tỉnh phát động không ghi đơn vị phát động")
        if self.launcher_kind is not LauncherKind.PROVINCE and self.launcher is None:
            raise ValueError("launcher: cần mã đơn vị hoặc mã khối phát động")
        if self.registration_deadline is not None and self.registration_deadline > self.ends_on:
            raise ValueError("registration_deadline (hạn đăng ký) sau ngày kết thúc phong trào")
        return self

    @property
    def level(self) -> LauncherLevel:
        return self.launcher_level or default_level(self.launcher_kind)


class RegistrationLineIn(_In):
    """One title a unit, or one of its people, aims for in the year (a line of the đăng ký thi đua)."""

    kind: NomineeKind
    name: VnName
    position: VnLine | None = None
    award_form: PolicyCode


class RegistrationIn(_In):
    movement: Slug
    unit: Slug
    lines: Annotated[list[RegistrationLineIn], Field(min_length=1, max_length=2000)]


class PledgeCriterionIn(_In):
    """A line of the pledge's score sheet: its weight is the most points it gives (điểm chuẩn)."""

    code: PolicyCode
    name: VnLine
    max: Annotated[int, Field(gt=0, le=1000)]


class PledgeIn(_In):
    bloc: Slug
    year: Annotated[int, Field(ge=1945, le=2200)]
    title: VnLine | None = None
    criteria: Annotated[list[PledgeCriterionIn], Field(min_length=1, max_length=200)]

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        codes = [c.code for c in self.criteria]
        if len(codes) != len(set(codes)):
            raise ValueError("mã tiêu chí chấm điểm bị trùng")
        return self


# Form 0601's rows, each with the movements it counts.
FORM_0601_ROWS: tuple[tuple[str, str], ...] = (
    ("01", "Tổng số"),
    ("02", MovementScope.NATIONAL.label),
    ("03", MovementScope.SECTOR_LOCAL.label),
    ("04", MovementScope.BLOC.label),
    ("05", MovementScope.ORGANISATION.label),
    ("06", DurationClass.UNDER_ONE_YEAR.label),
    ("07", DurationClass.ONE_YEAR.label),
    ("08", DurationClass.ONE_TO_THREE.label),
    ("09", DurationClass.THREE_TO_FIVE.label),
    ("10", DurationClass.FIVE_AND_MORE.label),
    ("11", MovementMethod.THEMATIC.label),
    ("12", MovementMethod.REGULAR.label),
)
FORM_0601_COLUMNS = ("1", "2", "3", "4")
SCOPE_ROW = {
    MovementScope.NATIONAL: "02",
    MovementScope.SECTOR_LOCAL: "03",
    MovementScope.BLOC: "04",
    MovementScope.ORGANISATION: "05",
}
DURATION_ROW = {
    DurationClass.UNDER_ONE_YEAR: "06",
    DurationClass.ONE_YEAR: "07",
    DurationClass.ONE_TO_THREE: "08",
    DurationClass.THREE_TO_FIVE: "09",
    DurationClass.FIVE_AND_MORE: "10",
}
METHOD_ROW = {MovementMethod.THEMATIC: "11", MovementMethod.REGULAR: "12"}
LEVEL_COLUMN = {
    LauncherLevel.CENTRAL: "2",
    LauncherLevel.MINISTRY_PROVINCE: "3",
    LauncherLevel.ORGANISATION: "4",
}


def form_0601(
    movements: list[tuple[MovementScope, DurationClass, MovementMethod, LauncherLevel]],
) -> dict[str, dict[str, int]]:
    """Row code → column → count; column 1 = 2 + 3 + 4, row 01 counts every movement, and each group of
    rows (02–05, 06–10, 11–12) sums to row 01 because every movement has exactly one of each."""
    table = {code: dict.fromkeys(FORM_0601_COLUMNS, 0) for code, _label in FORM_0601_ROWS}
    for scope, duration, method, level in movements:
        column = LEVEL_COLUMN[level]
        for row in ("01", SCOPE_ROW[scope], DURATION_ROW[duration], METHOD_ROW[method]):
            table[row][column] += 1
            table[row]["1"] += 1
    return table


def reporting_year(year: int) -> tuple[date, date]:
    """TT 02/2023's reporting year for emulation: 01/12 of the year before to 30/11."""
    return date(year - 1, 12, 1), date(year, 11, 30)
