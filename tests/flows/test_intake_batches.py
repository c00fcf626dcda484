"""A burst of submissions shares one intake flow run: a new intake joins the run that has not started.

The deployments are registered but not served here, so the runs stay Scheduled until the test moves them:
what the dispatcher decides is checked step by step, then the scheduled run executes in this process.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.flow_engine import run_flow
from prefect.states import Running

from flows import stages as stage_flows
from flows.dispatch import dispatcher
from flows.serve import deployments
from tests.integration.helpers import submit_example
from thidua_workflow.clock import FixedClock
from thidua_workflow.services.context import Context
from thidua_workflow.services.queries import show_nomination
from thidua_workflow.services.stages import pending


def _flow_runs(ctx: Context) -> dict[int, str | None]:
    return {w.ref_id: w.flow_run_id for w in pending(ctx)}


def test_submissions_join_the_intake_run_that_has_not_started(
    flows_ctx: Context, clock: FixedClock, prefect_api: str
) -> None:
    for deployment in deployments():
        deployment.apply()
    flows_ctx.dispatcher = dispatcher("deployment")
    clock.set(date(2019, 12, 5))
    first = submit_example(flows_ctx, "hoi-nguoi-cao-tuoi-2019")
    second = submit_example(flows_ctx, "hoi-nguoi-mu-2019")
    runs = _flow_runs(flows_ctx)
    assert set(runs) == {first.submission_id, second.submission_id}
    assert runs[first.submission_id] is not None
    assert runs[second.submission_id] == runs[first.submission_id], "the second joins the scheduled run"

    # That run starts: from now on it may have read what joined it, so a new submission gets its own run.
    batch_run = str(runs[first.submission_id])
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(UUID(batch_run), Running(), force=True)
        third = submit_example(flows_ctx, "lien-minh-htx-2019")
        third_run = _flow_runs(flows_ctx)[third.submission_id]
        assert third_run not in (None, batch_run)

        # The scheduled run executes (as a worker would): its own submission, then the one that joined.
        scheduled = client.read_flow_run(UUID(batch_run))
        assert run_flow(stage_flows.intake, flow_run=scheduled, parameters=scheduled.parameters) == {
            "routed": len(first.nomination_ids),
            "refused": 0,
        }
        state = client.read_flow_run(UUID(batch_run)).state
        assert state is not None and state.is_completed()
    assert list(_flow_runs(flows_ctx)) == [third.submission_id]
    for result in (first, second):
        assert {show_nomination(flows_ctx, i).status for i in result.nomination_ids} == {"bloc_review"}
    assert {show_nomination(flows_ctx, i).status for i in third.nomination_ids} == {"submitted"}
