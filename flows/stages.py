"""The stage flows: a flow run per bloc round, council session, decision and submission, and the sweep.

Thin by design: each calls one service (one transaction that re-reads the database, so a re-run or a
recovery never repeats a side effect) and publishes what operators want to see as an artifact. A run
also takes the subjects of its stage that joined it before it started (``flows.dispatch``): a burst of
submissions, closed rounds or signed decisions is carried by a few flow runs, each subject still with its
own artifact.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows import artifacts
from flows.runtime import flow_context
from thidua_workflow.services import council, dashboard, deadlines, decisions, notifications, rounds
from thidua_workflow.services import stages as service_stages
from thidua_workflow.services.context import Context
from thidua_workflow.services.outbox import Stage


def _run(ctx: Context, stage: Stage, first: int) -> service_stages.Batch:
    """The stage for ``first`` and for every subject whose wake-up joined this flow run."""
    run_id = flow_run.get_id()
    joined = service_stages.joined(ctx, stage, run_id) if run_id else []
    batch = service_stages.run_batch(ctx, stage, first, joined)
    if len(batch.done) + len(batch.failed) > 1:
        get_run_logger().info("%s: %s done, %s failed", stage.value, sorted(batch.done), sorted(batch.failed))
    return batch


def _raise_failures(stage: Stage, batch: service_stages.Batch) -> None:
    """The others went on; these stay pending for the sweep, and the run shows as failed."""
    if batch.failed:
        raise RuntimeError(
            f"{stage.value}: " + "; ".join(f"{k}: {v}" for k, v in sorted(batch.failed.items()))
        )


@flow(name="thidua-intake", description="Chuyển hồ sơ của tờ trình tới khối thi đua hoặc thẩm định.")
def intake(submission_id: int, as_of: date | None = None) -> dict[str, int]:
    with flow_context(as_of) as ctx:
        batch = _run(ctx, Stage.INTAKE, submission_id)
    done = cast(dict[int, dict[str, int]], batch.done)
    if len(done) + len(batch.failed) > 1:
        create_markdown_artifact(
            key=f"tiep-nhan-{submission_id}",
            markdown=artifacts.intake_markdown(done, batch.failed),
            description=f"Tiếp nhận {len(done) + len(batch.failed)} tờ trình",
        )
    _raise_failures(Stage.INTAKE, batch)
    return done.get(submission_id, {})


@flow(name="thidua-bloc-round", description="Áp dụng kết quả bình xét của khối; công bố xếp hạng, số phiếu.")
def bloc_round(round_id: int, as_of: date | None = None) -> dict[str, int]:
    with flow_context(as_of) as ctx:
        batch = _run(ctx, Stage.ROUND_CLOSED, round_id)
        views = [rounds.show_round(ctx, done).to_dict() for done in batch.done]
    for view in views:
        create_markdown_artifact(
            key=f"binh-xet-{view['id']}",
            markdown=artifacts.round_markdown(view),
            description=f"Kết quả bình xét: {view['bloc_name']}, {view['period']}",
        )
    _raise_failures(Stage.ROUND_CLOSED, batch)
    return cast(dict[str, int], batch.done.get(round_id, {}))


@flow(name="thidua-council-session", description="Kiểm phiếu phiên họp Hội đồng; lập dự thảo quyết định.")
def council_session(session_id: int, as_of: date | None = None) -> dict[str, Any]:
    with flow_context(as_of) as ctx:
        batch = _run(ctx, Stage.SESSION_CLOSED, session_id)
        views = [council.show_session(ctx, done).to_dict() for done in batch.done]
    for view in views:
        create_markdown_artifact(
            key=f"phien-hop-{view['id']}",
            markdown=artifacts.session_markdown(view),
            description=f"Kết quả kiểm phiếu phiên họp số {view['id']} (chỉ số phiếu)",
        )
    _raise_failures(Stage.SESSION_CLOSED, batch)
    return cast(dict[str, Any], batch.done.get(session_id, {}))


@flow(
    name="thidua-decision",
    description="Ban hành quyết định: khen thưởng mọi người trong danh sách, cấp bằng, in quyết định.",
)
def decision(decision_id: int, as_of: date | None = None) -> dict[str, object]:
    with flow_context(as_of) as ctx:
        batch = _run(ctx, Stage.DECISION_ISSUED, decision_id)
        views = [decisions.show_decision(ctx, done).to_dict() for done in batch.done]
    for view in views:
        create_markdown_artifact(
            key=f"quyet-dinh-{view['id']}",
            markdown=artifacts.decision_markdown(view),
            description=f"Danh sách khen thưởng kèm Quyết định số {view['number_text']}",
        )
    _raise_failures(Stage.DECISION_ISSUED, batch)
    return cast(dict[str, object], batch.done.get(decision_id, {}))


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
        counts["digests"] = notifications.collect_digests(ctx)  # issue 22: the daily digest mail
        counts["dashboard"] = dashboard.refresh(ctx).isoformat()  # issue 22: the dashboard's snapshot
        counts["mail"] = notifications.send_pending(ctx)
    get_run_logger().info("Quét định kỳ: %s", counts)
    return counts
