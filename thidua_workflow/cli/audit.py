"""``thidua audit``: the audit log, and how one of its events reads to a person (also in a nomination's
history). ``audit_log`` is a command of the root, mounted by ``cli/__init__``."""

from typing import Annotated, Any

import typer

from thidua_workflow.cli._console import emit, handled
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import JsonFlag
from thidua_workflow.domain import lifecycle
from thidua_workflow.domain.enums import (
    DecisionStatus,
    Finding,
    HoldGround,
    LabelledEnum,
    NominationStatus,
    RoundStatus,
    SessionStatus,
    TaskStatus,
)
from thidua_workflow.domain.vocabulary import ACTION_LABELS, rule_name

# The records whose states the log names, most common first (a state code may be shared).
STATE_ENUMS: tuple[type[LabelledEnum], ...] = (
    NominationStatus,
    DecisionStatus,
    RoundStatus,
    SessionStatus,
    TaskStatus,
)


@handled
def audit_log(
    limit: Annotated[int, typer.Option(help="Số sự kiện gần nhất.")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Nhật ký: ai làm gì, lúc nào, từ trạng thái nào sang trạng thái nào (mới nhất trước)."""
    from thidua_workflow.domain.text import group_digits
    from thidua_workflow.services import queries

    with context() as ctx:
        events = queries.audit_events(ctx, limit=limit)
        total = queries.count_events(ctx)
        tz = ctx.clock.tz
    if as_json:
        emit([{**e.__dict__, "at": e.at.isoformat()} for e in events])
        return
    for e in events:
        arrow = f" {state_label(e.from_state) or '—'} → {state_label(e.to_state)}" if e.to_state else ""
        print(
            f"{e.at.astimezone(tz):%d/%m/%Y %H:%M} · {e.actor}{for_whom(e.on_behalf)} · {event_text(e.action, e.data)}{arrow}"
        )
    if len(events) < total:
        print(
            f"Hiển thị {group_digits(len(events))}/{group_digits(total)} sự kiện gần nhất; "
            f"dùng --limit {total} để xem tất cả."
        )


def state_label(state: str | None) -> str:
    """A state as people name it ("Khối thi đua đang xét"), whatever the record it belongs to."""
    if not state:
        return ""
    for kind in STATE_ENUMS:
        try:
            return str(kind(state).label)
        except ValueError:
            continue
    return state


def event_text(action: str, data: dict[str, Any]) -> str:
    """An audit event as a person reads it: the arrow's label, with the figures that explain it."""
    label = ACTION_LABELS.get(action) or (
        lifecycle.get(action).label if lifecycle.can_name(action) else action
    )
    extra = []
    if "number" in data:
        extra.append(f"Quyết định số {data['number']}")
    if "electorate" in data:
        extra.append(f"{data['yes']}/{data['electorate']} phiếu của khối")
    if "denominator" in data:
        extra.append(f"{data['yes']}/{data['denominator']} phiếu Hội đồng")
    if "dossier_version" in data:
        extra.append(f"phiên bản hồ sơ {data['dossier_version']}")
    if "ground" in data:
        extra.append(HoldGround(data["ground"]).label)
    if "finding" in data and "rule" in data:
        extra.insert(0, f"{rule_name(data['rule'])}: {Finding(data['finding']).label.lower()}")
    return label + (f" ({'; '.join(extra)})" if extra else "")


def for_whom(name: str | None) -> str:
    """Issue 22: an event a delegate recorded names the person it was done for."""
    return f" (thực hiện thay {name})" if name else ""
