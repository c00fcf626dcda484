"""``thidua audit``: the audit log, and how one of its events reads to a person (also in a nomination's
history). ``audit_log`` is a command of the root, mounted by ``cli/__init__``."""

from typing import Annotated, Any

import typer

from thidua_workflow.cli._console import emit, handled
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import JsonFlag
from thidua_workflow.domain import lifecycle
from thidua_workflow.domain.enums import HoldGround


@handled
def audit_log(
    limit: Annotated[int, typer.Option(help="Số sự kiện gần nhất.")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Nhật ký: ai làm gì, lúc nào, từ trạng thái nào sang trạng thái nào (mới nhất trước)."""
    from thidua_workflow.services import queries

    with context() as ctx:
        events = queries.audit_events(ctx, limit=limit)
        tz = ctx.clock.tz
    if as_json:
        emit([{**e.__dict__, "at": e.at.isoformat()} for e in events])
        return
    for e in events:
        arrow = f" {e.from_state or '—'} → {e.to_state}" if e.to_state else ""
        print(f"{e.at.astimezone(tz):%d/%m/%Y %H:%M} · {e.actor} · {event_text(e.action, e.data)}{arrow}")


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
    return label + (f" ({'; '.join(extra)})" if extra else "")


ACTION_LABELS = {"release": "Tiếp tục xét hồ sơ"}
