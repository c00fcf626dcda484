"""A burst of submissions shares one intake flow run: a new intake joins the run that has not started.

The deployments are registered but not served here, so the runs stay Scheduled until the test moves them:
what the dispatcher decides is checked step by step, then the scheduled run executes in this process.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.flow_engine import run_flow
from prefect.states import Running

from flows import stages as stage_flows
from flows.dispatch import deliver_deployments, dispatcher
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
    flows_ctx.settings = flows_ctx.settings.model_copy(update={"stage_batch": 2})
    clock.set(date(2019, 12, 5))
    first = submit_example(flows_ctx, "hoi-nguoi-cao-tuoi-2019")
    second = submit_example(flows_ctx, "hoi-nguoi-mu-2019")
    third = submit_example(flows_ctx, "lien-minh-htx-2019")
    runs = _flow_runs(flows_ctx)
    batch_run = runs[first.submission_id]
    assert batch_run is not None
    assert runs[second.submission_id] == batch_run, "the second joins the scheduled run"
    assert runs[third.submission_id] not in (None, batch_run), "the run is full (THIDUA_STAGE_BATCH=2)"

    # The third's run starts (Running): it may have read what joined it already; a new submission gets a
    # run of its own.
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(UUID(str(runs[third.submission_id])), Running(), force=True)
        fourth = submit_example(flows_ctx, "hoi-chu-thap-do-2019")
        fourth_run = _flow_runs(flows_ctx)[fourth.submission_id]
        assert fourth_run not in (None, batch_run, runs[third.submission_id])

        # Ten minutes on, the sweep would redeliver those wake-ups: nobody joins their runs any more.
        clock.advance(timedelta(minutes=11))
        flows_ctx.settings = flows_ctx.settings.model_copy(update={"stage_batch": 100})
        fifth = submit_example(flows_ctx, "hoi-nha-bao-2019")
        assert _flow_runs(flows_ctx)[fifth.submission_id] not in (None, batch_run, fourth_run)

        # The first run executes (as a worker would): its own submission, then the one that joined it.
        scheduled = client.read_flow_run(UUID(batch_run))
        assert run_flow(stage_flows.intake, flow_run=scheduled, parameters=scheduled.parameters) == {
            "routed": len(first.nomination_ids),
            "refused": 0,
        }
        state = client.read_flow_run(UUID(batch_run)).state
        assert state is not None and state.is_completed()
    assert sorted(_flow_runs(flows_ctx)) == [s.submission_id for s in (third, fourth, fifth)]
    for result in (first, second):
        assert {show_nomination(flows_ctx, i).status for i in result.nomination_ids} == {"bloc_review"}
    for result in (third, fourth, fifth):
        assert {show_nomination(flows_ctx, i).status for i in result.nomination_ids} == {"submitted"}


def test_wake_ups_delivered_together_share_one_run_up_to_the_batch_size(
    flows_ctx: Context, clock: FixedClock, prefect_api: str
) -> None:
    for deployment in deployments():
        deployment.apply()
    flows_ctx.dispatcher = None  # committed, not yet delivered: as the web app's queue holds them
    clock.set(date(2019, 12, 5))
    names = ("hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019", "lien-minh-htx-2019", "hoi-chu-thap-do-2019")
    submitted = [submit_example(flows_ctx, name).submission_id for name in names]
    flows_ctx.settings = flows_ctx.settings.model_copy(update={"stage_batch": 3})
    assert deliver_deployments(flows_ctx, [w.id for w in pending(flows_ctx)]) == []
    runs = _flow_runs(flows_ctx)
    assert set(runs) == set(submitted)
    first_run = runs[submitted[0]]
    assert [runs[s] for s in submitted[:3]] == [first_run] * 3, "one run takes three"
    assert runs[submitted[3]] not in (None, first_run), "the fourth starts the next"
