"""The stage flows: one flow run per submission, bloc round, council session and decision.

Thin by design: each calls one service (one transaction that re-reads the database, so a re-run or a
recovery never repeats a side effect) and publishes what operators want to see as an artifact.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from flows import artifacts
from flows.runtime import flow_context
from thidua_workflow.services import council, deadlines, decisions, nominations, notifications, rounds
from thidua_workflow.services import stages as service_stages


@flow(name="thidua-intake", description="Chuyển hồ sơ của một tờ trình tới khối thi đua hoặc thẩm định.")
def intake(submission_id: int, as_of: date | None = None) -> dict[str, int]:
    with flow_context(as_of) as ctx:
        counts = nominations.route_submission(ctx, submission_id)
    get_run_logger().info("Tờ trình số %s: %s", submission_id, counts)
    return counts


@flow(name="thidua-bloc-round", description="Áp dụng kết quả bình xét của khối; công bố xếp hạng, số phiếu.")
def bloc_round(round_id: int, as_of: date | None = None) -> dict[str, int]:
    with flow_context(as_of) as ctx:
        moved = rounds.apply_result(ctx, round_id)
        view = rounds.show_round(ctx, round_id).to_dict()
    create_markdown_artifact(
        key=f"binh-xet-{round_id}",
        markdown=artifacts.round_markdown(view),
        description=f"Kết quả bình xét: {view['bloc_name']}, {view['period']}",
    )
    return moved


@flow(name="thidua-council-session", description="Kiểm phiếu phiên họp Hội đồng; lập dự thảo quyết định.")
def council_session(session_id: int, as_of: date | None = None) -> dict[str, Any]:
    with flow_context(as_of) as ctx:
        result = council.apply_result(ctx, session_id)
        view = council.show_session(ctx, session_id).to_dict()
    create_markdown_artifact(
        key=f"phien-hop-{session_id}",
        markdown=artifacts.session_markdown(view),
        description=f"Kết quả kiểm phiếu phiên họp số {session_id} (chỉ số phiếu)",
    )
    return result


@flow(
    name="thidua-decision",
    description="Ban hành quyết định: khen thưởng mọi người trong danh sách, cấp bằng, in quyết định.",
)
def decision(decision_id: int, as_of: date | None = None) -> dict[str, object]:
    with flow_context(as_of) as ctx:
        result = service_stages.decision_stage(ctx, decision_id)
        view = decisions.show_decision(ctx, decision_id).to_dict()
    create_markdown_artifact(
        key=f"quyet-dinh-{decision_id}",
        markdown=artifacts.decision_markdown(view),
        description=f"Danh sách khen thưởng kèm Quyết định số {view['number_text']}",
    )
    return result


@flow(name="thidua-mail", description="Gửi thư thông báo đang chờ.")
def send_mail(as_of: date | None = None) -> dict[str, int]:
    with flow_context(as_of) as ctx:
        return notifications.send_pending(ctx)


@flow(name="thidua-sweep", description="Nhắc việc sắp đến hạn, báo việc quá hạn, chuyển lại giai đoạn bị lỡ.")
def sweep(as_of: date | None = None) -> dict[str, Any]:
    from flows.dispatch import redeliver

    with flow_context(as_of) as ctx:
        counts: dict[str, Any] = dict(deadlines.remind_and_escalate(ctx))
        counts["redelivered"] = redeliver(ctx)
        counts["mail"] = notifications.send_pending(ctx)
    get_run_logger().info("Quét định kỳ: %s", counts)
    return counts
