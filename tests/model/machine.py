"""The state machine: Quảng Bình's people take random actions on the services, allowed or not.

Every rule is one service call by one person, on the right or a wrong object, with valid or malformed
input. ``attempt`` runs it and checks the step:

- a project error (``ThiduaError``) is a refusal: no table's digest changed (so no audit event either);
- anything else escaping is a failure of the test (invariant 7);
- an accepted call wrote, in its own transaction, exactly one audit event of its kind (``PRIMARY``) by the
  acting person, and only events by that person or by the system (actor NULL). Events written by the
  stages that follow (run by the dispatcher after the commit) are counted apart: the dispatcher notes
  the last audit id before it runs them.

After a step that changed something, the database-wide invariants of ``invariants`` run.
"""

from __future__ import annotations

import copy
import inspect
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

from flows.inline import run_inline
from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import CLERKS, REPRESENTATIVES, example_scores
from tests.model import digests
from tests.model import invariants as inv
from tests.signing_keys import OwnToken
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import Choice, Finding, HoldGround, TaskKind
from thidua_workflow.errors import ThiduaError
from thidua_workflow.services import (
    annulments,
    certificates,
    council,
    decisions,
    delegation,
    findings,
    holds,
    nominations,
    rounds,
    signers,
    stages,
    tasks,
)
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import DirectorySource
from thidua_workflow.services.signers import SignerIn, SigningSecret

QB = EXAMPLES / "quang-binh"
FOLDER = QB / "nominations"
SOURCE = DirectorySource(FOLDER)
ORG = read_yaml(QB / "org.yaml")
PEOPLE: list[str] = [p["username"] for p in ORG["people"]]
FILES = {name: read_yaml(FOLDER / f"{name}.yaml") for name in CLERKS}
COMPLETED = read_yaml(FOLDER / "hoi-nha-bao-2019-hoan-thien.yaml")
# Each member unit's own score sheets (Khối thi đua các hội đặc thù).
SHEETS = {unit: example_scores(sheet) for unit, (_, sheet) in REPRESENTATIVES.items()}
COUNCIL = [p["username"] for p in ORG["people"] if "council_member" in p["roles"]]
START = date(2019, 12, 2)
# Dates the real cycle moves to (demo.py): a jump lands the clock on one of them if it is ahead.
MILESTONES = [date(2019, 12, 17), date(2020, 1, 8), date(2020, 1, 15), date(2020, 1, 20), date(2020, 5, 15)]

BOGUS_IDS = [0, -1, 987654]
BUSY = [
    "submitted",
    "bloc_review",
    "appraisal",
    "returned",
    "council_vote",
    "council_approved",
    "in_decision",
]
# What the runs did, per rule: "accepted" or the error's class (printed with THIDUA_MODEL_STATS=1).
STATS: Counter[tuple[str, str]] = Counter()
people = st.one_of(st.sampled_from(PEOPLE), st.sampled_from(["", "khong.co.ai", "NCT.CANBO"]))
reasons = st.sampled_from(
    [
        "Thành tích chưa cụ thể; bổ sung số liệu có xác nhận.",
        "Đơn vị xin rút để đề nghị vào năm sau.",
        "Có đơn khiếu nại đang giải quyết.",
        "Đề nghị xem xét lại.",
        "Thành tích chưa cụ thể; bổ sung số liệu có xác nhận.",
        "",
        "   ",
        "\x00\x07",
        "x" * 2500,
        "Lý do\nhai dòng",
    ]
)


@dataclass
class Outcome:
    accepted: bool
    error: ThiduaError | None


class Database:
    """Hands each Hypothesis example a fresh copy of the database with the organisation loaded, and
    (``start``) the 2019 cycle played up to a point (``preludes``); sets the clock to that point."""

    def fresh(
        self, clock: FixedClock, dispatcher: Any, start: str
    ) -> Context:  # pragma: no cover - interface
        raise NotImplementedError

    def release(self, ctx: Context) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ServiceMachine(RuleBasedStateMachine):
    """One Hypothesis example: a fresh database, a clock, and the people acting."""

    database: Database  # set by the test before running
    token: OwnToken | None = None  # a SoftHSM2 token for pct.ubnd, set by the test

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(START)
        self.stage_marks: list[int] = []
        self.inline = True
        self._ctx: Context | None = None
        self.steps = 0

    @property
    def ctx(self) -> Context:
        assert self._ctx is not None, "the example's database is made by the 'begin' rule"
        return self._ctx

    @initialize(
        inline=st.booleans(),
        start=st.sampled_from(["org", "org", "appraisal", "council", "drafts"]),
        own_key=st.booleans(),
    )
    def begin(self, inline: bool, start: str, own_key: bool) -> None:
        """Stages run inline after each action, or pile up until ``run_stages`` (as if Prefect were slow);
        the example starts from the organisation alone or further along the cycle; the Vice Chairman
        signs with the office's key or with their own token (SoftHSM2, PIN asked at signing)."""
        self.inline = inline
        self._ctx = self.database.fresh(self.clock, self._dispatch, start)
        if own_key and self.token is not None:
            config = self.token.config
            signers.set_signer(
                self.ctx,
                "pct.ubnd",
                SignerIn(
                    kind="pkcs11",
                    pkcs11_module=config.module,
                    token_label=config.token_label,
                    key_label=config.key_label,
                ),
            )
        self.ballots = inv.ballots_in(self.ctx)
        self.digest = digests.table_digests(self.ctx)
        self.person_ids = self._person_ids()
        self.changed = True

    def teardown(self) -> None:
        STATS[("(steps per example)", str(self.steps))] += 1
        if self._ctx is not None:
            self.database.release(self._ctx)

    # --- plumbing ---------------------------------------------------------------------------------

    def _person_ids(self) -> dict[str, int]:
        with self.ctx.reader() as uow:
            return {
                row.username: row.id for row in uow.session.execute(select(m.Person.username, m.Person.id))
            }

    def _dispatch(self, ctx: Context, wakeup_ids: list[int]) -> None:
        """Stages run right after the action (inline), or wait for the ``run_stages`` rule."""
        if self.inline:
            self.stage_marks.append(digests.max_audit_id(ctx))
            run_inline(ctx, wakeup_ids)

    def attempt(self, who: str, primary: str | frozenset[str] | None, call: Callable[[], Any]) -> Outcome:
        """Run one person's call and check the step (see the module's docstring)."""
        before = self.digest
        last_event = digests.max_audit_id(self.ctx)
        self.stage_marks = []
        self.steps += 1
        rule_name = inspect.stack()[1].function
        refusal: ThiduaError | None = None
        try:
            call()
        except ThiduaError as exc:
            refusal = exc
        if refusal is not None:
            STATS[(rule_name, type(refusal).__name__)] += 1
            if os.environ.get("THIDUA_MODEL_DEBUG") == rule_name:
                print(rule_name, who, refusal.message[:300].replace("\n", " | "))
            changed = digests.changed_tables(before, digests.table_digests(self.ctx))
            assert not changed, (
                f"{who}: refused ({type(refusal).__name__}: {refusal.message}) yet {changed} changed"
            )
            self.changed = False
            return Outcome(False, refusal)
        STATS[(rule_name, "accepted")] += 1
        self.digest = digests.table_digests(self.ctx)
        self.changed = self.digest != before
        events = digests.audit_events_after(self.ctx, last_event)
        own = [e for e in events if not self.stage_marks or e.id <= self.stage_marks[0]]
        person = self.person_ids.get(who)
        kinds = {primary} if isinstance(primary, str) else primary
        mine = [e for e in own if e.actor_id == person and (kinds is None or e.action in kinds)]
        if kinds is None:
            assert mine, f"{who}: accepted without an audit event by them: {_names(own)}"
        else:
            assert len(mine) == 1, (
                f"{who}: accepted, {len(mine)} {sorted(kinds)} events by them: {_names(own)}"
            )
        strangers = [e for e in own if e.actor_id not in (person, None)]
        assert not strangers, f"{who}: events by others in the action's transaction: {_names(strangers)}"
        return Outcome(True, None)

    def ids(self, column: Any) -> list[int]:
        with self.ctx.reader() as uow:
            return list(uow.session.scalars(select(column).order_by(column)))

    def pick_id(self, data: st.DataObject, column: Any) -> int:
        """An id that exists (mostly) or one that does not."""
        known = self.ids(column)
        if known and data.draw(st.integers(0, 9), label="real?") > 0:
            return int(data.draw(st.sampled_from(known)))
        return int(data.draw(st.sampled_from(BOGUS_IDS)))

    # --- the unit's clerk ---------------------------------------------------------------------------

    @rule(data=st.data(), name=st.sampled_from(sorted(CLERKS)), mutation=st.integers(0, 12))
    def submit(self, data: st.DataObject, name: str, mutation: int) -> None:
        clerk = CLERKS[name] if data.draw(st.integers(0, 4), label="right clerk") else data.draw(people)
        file: Any = copy.deepcopy(FILES[name])
        if mutation == 1:
            file["unit"] = data.draw(st.sampled_from(["qb-hoi-nct", "qb-khong-co", ""]))
        elif mutation == 2:
            file["nominations"] = []
        elif mutation == 3:
            file = data.draw(st.sampled_from([None, [], "rác", {"unit": 5}]))
        elif mutation == 4 and file.get("nominations"):
            file["nominations"][0]["name"] = "  "
        self.attempt(clerk, "submission", lambda: nominations.submit(self.ctx, clerk, file, SOURCE))

    @rule(data=st.data(), who=people, reason=reasons)
    def withdraw(self, data: st.DataObject, who: str, reason: str) -> None:
        nid = self.pick_id(data, m.Nomination.id)
        self.attempt(who, "withdraw", lambda: nominations.withdraw(self.ctx, who, nid, reason))

    @rule(data=st.data(), who=people, decision=st.sampled_from(["resubmit", "resubmit", "pass", "xoá"]))
    def complete_dossier(self, data: st.DataObject, who: str, decision: str) -> None:
        nid = self.pick_id(data, m.Nomination.id)
        dossier: Any = data.draw(st.sampled_from([COMPLETED, {"achievement": ""}, None, {"note": "thiếu"}]))
        payload = tasks.Payload(dossier=copy.deepcopy(dossier), source=SOURCE)
        moves = frozenset({"resubmit_to_bloc", "resubmit_to_appraisal", "appraisal_pass"})
        self.attempt(who, moves, lambda: tasks.act_on_nomination(self.ctx, who, nid, decision, payload))

    # --- the bloc -----------------------------------------------------------------------------------

    @rule(data=st.data(), reason=reasons)
    def return_dossier(self, data: st.DataObject, reason: str) -> None:
        # Mostly the chair, on a dossier its collecting round holds: returns must happen for the clerk's
        # completion to race the round's voting (a completed dossier the chair then adds or defers).
        who = "nct.chutich" if data.draw(st.booleans(), label="chair") else data.draw(people, label="who")
        with self.ctx.reader() as uow:
            collecting = sorted(
                uow.session.scalars(
                    select(m.Nomination.id)
                    .join(m.BlocRound, m.BlocRound.id == m.Nomination.round_id)
                    .where(m.Nomination.status == "bloc_review", m.BlocRound.status == "collecting")
                )
            )
        aimed: bool = data.draw(st.booleans(), label="in a collecting round")
        if collecting and aimed:
            nid = int(data.draw(st.sampled_from(collecting), label="returned"))
        else:
            nid = self.pick_id(data, m.Nomination.id)
        self.attempt(who, "bloc_return", lambda: rounds.return_dossier(self.ctx, who, nid, reason))

    @rule(data=st.data())
    def open_voting(self, data: st.DataObject) -> None:
        who = "nct.chutich" if data.draw(st.booleans(), label="chair") else data.draw(people)
        rid = self.pick_id(data, m.BlocRound.id)
        self.attempt(who, "round_open_voting", lambda: rounds.open_voting(self.ctx, who, rid))

    @rule(data=st.data(), scores=st.sampled_from(["own", "none", "bad", "stranger"]))
    def cast_round_ballot(self, data: st.DataObject, scores: str) -> None:
        unit = data.draw(st.sampled_from(sorted(REPRESENTATIVES)))
        who = REPRESENTATIVES[unit][0] if data.draw(st.integers(0, 4)) else data.draw(people)
        rid = self.pick_id(data, m.BlocRound.id)
        with self.ctx.reader() as uow:
            items = list(
                uow.session.scalars(
                    select(m.Nomination.id).where(m.Nomination.round_id == rid).order_by(m.Nomination.id)
                )
            )
        pool = [*items, 987654]
        approve = set(data.draw(st.lists(st.sampled_from(pool), max_size=6), label="approve"))
        reject = set(data.draw(st.lists(st.sampled_from(pool), max_size=3), label="reject"))
        sheet: dict[str, dict[str, int]] | None = None
        if scores == "own":
            sheet = copy.deepcopy(SHEETS[unit])
        elif scores == "bad":
            sheet = copy.deepcopy(SHEETS[unit])
            row = next(iter(sheet.values()))
            row[next(iter(row))] = 999
        elif scores == "stranger":
            sheet = {"qb-khong-co": {}}
        outcome = self.attempt(
            who,
            "round_votes",
            lambda: rounds.cast_ballot(self.ctx, who, rid, scores=sheet, approve=approve, reject=reject),
        )
        if outcome.accepted:
            for nid in approve:
                self.ballots.round_votes[(rid, nid)][0] += 1
            for nid in reject:
                self.ballots.round_votes[(rid, nid)][1] += 1

    @rule(data=st.data(), tie=st.booleans())
    def close_round(self, data: st.DataObject, tie: bool) -> None:
        who = "nct.chutich" if data.draw(st.booleans(), label="chair") else data.draw(people)
        rid = self.pick_id(data, m.BlocRound.id)
        units = [*sorted(REPRESENTATIVES), "qb-khong-co"]
        chair = data.draw(st.sampled_from(units), label="next chair")
        deputy = data.draw(st.sampled_from(units), label="next deputy")
        reason = "Theo thứ tự điểm thi đua." if tie else None
        self.attempt(
            who,
            "round_close",
            lambda: rounds.close_round(
                self.ctx, who, rid, next_chair=chair, next_deputy=deputy, tie_reason=reason
            ),
        )

    # --- the Ban's appraisers, holds ----------------------------------------------------------------

    @rule(
        data=st.data(),
        who=st.sampled_from(["cv.tdkt1", "cv.tdkt2", "cv.tdkt1", "tb.tdkt", "mu.canbo"]),
        decision=st.sampled_from(["pass", "pass", "return", "reject", "resubmit", "duyệt"]),
        comment=reasons,
    )
    def appraise(self, data: st.DataObject, who: str, decision: str, comment: str) -> None:
        nid = self.pick_id(data, m.Nomination.id)
        payload = tasks.Payload(comment=comment)
        moves = frozenset(
            {
                "appraisal_pass",
                "appraisal_return",
                "appraisal_reject",
                "resubmit_to_bloc",
                "resubmit_to_appraisal",
            }
        )
        self.attempt(who, moves, lambda: tasks.act_on_nomination(self.ctx, who, nid, decision, payload))

    @rule(
        data=st.data(),
        who=st.sampled_from(["cv.tdkt1", "cv.tdkt2", "cv.tdkt1", "lhtn.canbo", "tb.tdkt"]),
        finding=st.sampled_from(list(Finding)),
        reason=reasons,
    )
    def record_finding(self, data: st.DataObject, who: str, finding: Finding, reason: str) -> None:
        """The appraiser's finding on a criterion marked "cần thẩm định" (issue 18), or on a wrong one."""
        nid = self.pick_id(data, m.Nomination.id)
        with self.ctx.reader() as uow:
            appraised = list(
                uow.session.scalars(
                    select(m.Nomination.id)
                    .where(m.Nomination.status == "appraisal")
                    .order_by(m.Nomination.id)
                )
            )
        in_appraisal: bool = data.draw(st.booleans(), label="in appraisal")
        if appraised and in_appraisal:
            nid = data.draw(st.sampled_from(appraised), label="appraised nomination")
        criterion = data.draw(
            st.sampled_from(
                ["bang_khen_ho_gia_dinh", "bang_khen_ho_gia_dinh", "bang_khen_ca_nhan", "khong_co"]
            ),
            label="criterion",
        )
        self.attempt(
            who,
            "record_finding",
            lambda: findings.record_finding(self.ctx, who, nid, criterion, finding, reason),
        )

    @rule(
        data=st.data(),
        who=st.sampled_from(["cv.tdkt1", "tb.tdkt", "nct.chutich", "cv.tdkt2"]),
        ground=st.sampled_from(list(HoldGround)),
        reason=reasons,
        release=st.booleans(),
    )
    def hold_or_release(
        self, data: st.DataObject, who: str, ground: HoldGround, reason: str, release: bool
    ) -> None:
        nid = self.pick_id(data, m.Nomination.id)
        if data.draw(st.booleans(), label="where it moves"):
            # Most paths off the script start here: a hold on a nomination that something else is moving.
            with self.ctx.reader() as uow:
                busy = list(
                    uow.session.scalars(
                        select(m.Nomination.id)
                        .where(m.Nomination.status.in_(BUSY if not release else ["on_hold"]))
                        .order_by(m.Nomination.id)
                    )
                )
            if busy:
                nid = data.draw(st.sampled_from(busy), label="busy nomination")
        if release:
            self.attempt(who, "release", lambda: holds.release(self.ctx, who, nid, reason))
        else:
            self.attempt(who, "hold", lambda: holds.hold(self.ctx, who, nid, ground, reason))

    # --- the council ---------------------------------------------------------------------------------

    @rule(data=st.data())
    def open_session(self, data: st.DataObject) -> None:
        who = "tb.tdkt" if data.draw(st.booleans(), label="secretary") else data.draw(people)
        self.attempt(who, "session_open", lambda: council.open_session(self.ctx, who))

    @rule(data=st.data())
    def record_attendance(self, data: st.DataObject) -> None:
        who = "tb.tdkt" if data.draw(st.integers(0, 4)) else data.draw(people)
        sid = self.pick_id(data, m.CouncilSession.id)
        present = data.draw(
            st.lists(st.sampled_from([*COUNCIL, "khong.co.ai"]), unique=True), label="present"
        )
        if data.draw(st.booleans(), label="quorum"):
            present = sorted(set(present) | set(COUNCIL[:9]))
        self.attempt(
            who, "session_attendance", lambda: council.record_attendance(self.ctx, who, sid, present)
        )

    def _choices(self, data: st.DataObject, sid: int) -> dict[int, Choice]:
        with self.ctx.reader() as uow:
            items = list(
                uow.session.scalars(
                    select(m.SessionItem.nomination_id).where(
                        m.SessionItem.session_id == sid, m.SessionItem.needs_vote.is_(True)
                    )
                )
            )
        choices = {nid: data.draw(st.sampled_from(list(Choice)), label=f"on {nid}") for nid in items}
        spoil = data.draw(st.integers(0, 9), label="spoil")
        if spoil == 0 and choices:
            choices.pop(next(iter(choices)))
        elif spoil == 1:
            choices[987654] = Choice.YES
        return choices

    def _count(self, sid: int, choices: dict[int, Choice]) -> None:
        for nid, choice in choices.items():
            self.ballots.council_votes[(sid, nid)][choice.value] += 1

    @rule(data=st.data())
    def council_ballot(self, data: st.DataObject) -> None:
        who = data.draw(st.sampled_from(COUNCIL)) if data.draw(st.integers(0, 4)) else data.draw(people)
        sid = self.pick_id(data, m.CouncilSession.id)
        choices = self._choices(data, sid)
        if self.attempt(
            who, "council_ballot", lambda: council.cast_ballot(self.ctx, who, sid, choices)
        ).accepted:
            self._count(sid, choices)

    @rule(data=st.data())
    def written_ballot(self, data: st.DataObject) -> None:
        who = "tb.tdkt" if data.draw(st.integers(0, 4)) else data.draw(people)
        member = data.draw(st.sampled_from([*COUNCIL, "khong.co.ai", "cv.tdkt1"]))
        sid = self.pick_id(data, m.CouncilSession.id)
        choices = self._choices(data, sid)
        outcome = self.attempt(
            who,
            "council_written_ballot",
            lambda: council.enter_written_ballot(self.ctx, who, sid, member, choices),
        )
        if outcome.accepted:
            self._count(sid, choices)

    @rule(data=st.data(), ref=st.sampled_from([None, "12/TTr-SNV", ""]))
    def close_session(self, data: st.DataObject, ref: str | None) -> None:
        who = "tb.tdkt" if data.draw(st.integers(0, 4)) else data.draw(people)
        sid = self.pick_id(data, m.CouncilSession.id)
        self.attempt(
            who, "session_close", lambda: council.close_session(self.ctx, who, sid, proposal_ref=ref)
        )

    # --- signing and the register --------------------------------------------------------------------

    @rule(
        data=st.data(),
        who=st.sampled_from(["ct.ubnd", "pct.ubnd", "pct.ubnd", "vt.ubnd", "tb.tdkt"]),
        pin=st.sampled_from([None, "right", "right", "wrong"]),
    )
    def sign(self, data: st.DataObject, who: str, pin: str | None) -> None:
        did = self.pick_id(data, m.Decision.id)
        right = self.token.pin if self.token is not None else ""
        secret = None if pin is None else SigningSecret(pin=right if pin == "right" else "000000")
        self.attempt(who, "decision_sign", lambda: decisions.sign(self.ctx, who, did, secret))

    @rule(data=st.data(), who=st.sampled_from(["ct.ubnd", "pct.ubnd", "vt.ubnd"]), reason=reasons)
    def send_back(self, data: st.DataObject, who: str, reason: str) -> None:
        did = self.pick_id(data, m.Decision.id)
        self.attempt(who, "decision_send_back", lambda: decisions.send_back(self.ctx, who, did, reason))

    @rule(
        data=st.data(),
        who=st.sampled_from(["vt.ubnd", "vt.ubnd", "pct.ubnd"]),
        number=st.sampled_from([162, 162, 163, 1, 0, -5]),
        back=st.sampled_from([None, None, -30, 1]),
    )
    def register(self, data: st.DataObject, who: str, number: int, back: int | None) -> None:
        did = self.pick_id(data, m.Decision.id)
        dated = None if back is None else self.clock.today() + timedelta(days=back)
        self.attempt(
            who, "decision_issue", lambda: decisions.register(self.ctx, who, did, number, dated=dated)
        )

    @rule(data=st.data(), who=st.sampled_from(["vt.ubnd", "cv.tdkt1"]), reason=reasons)
    def revoke(self, data: st.DataObject, who: str, reason: str) -> None:
        codes = [str(c) for c in self.ids(m.Certificate.code)] + ["KHONG-CO-MA", ""]
        code = data.draw(st.sampled_from(codes))
        self.attempt(who, "certificate_revoke", lambda: certificates.revoke(self.ctx, who, code, reason))

    # --- NĐ 152/2025 Điều 56, 58 (issue 19): annulment by a new decision, recovery -------------------

    @rule(
        data=st.data(),
        who=st.sampled_from(["vt.ubnd", "tb.tdkt", "cv.tdkt1"]),
        reason=reasons,
        whole=st.booleans(),
        act=st.sampled_from(["25/QĐ-UBND", "", "26/QĐ-UBND"]),
        when=st.sampled_from([0, 0, -400, 3]),
    )
    def annul(self, data: st.DataObject, who: str, reason: str, whole: bool, act: str, when: int) -> None:
        decision_id = self.pick_id(data, m.Decision.id)
        named = None if whole else [self.pick_id(data, m.Nomination.id)]
        day = self.clock.today() + timedelta(days=when)
        self.attempt(
            who,
            frozenset({"decision_annul", "decision_annul_part"}),
            lambda: annulments.annul(
                self.ctx, who, decision_id, act_number=act, act_date=day, ground=reason, nomination_ids=named
            ),
        )

    @rule(data=st.data(), who=st.sampled_from(["vt.ubnd", "cv.tdkt1"]), when=st.sampled_from([0, 5]))
    def record_recovery(self, data: st.DataObject, who: str, when: int) -> None:
        nomination_id = self.pick_id(data, m.Annulment.nomination_id) if self.ids(m.Annulment.id) else 0
        day = self.clock.today() + timedelta(days=when)
        self.attempt(
            who,
            "award_recovered",
            lambda: annulments.record_recovery(self.ctx, who, nomination_id, recovered_on=day),
        )

    # --- any task from the inbox, by anyone ------------------------------------------------------------

    @rule(
        data=st.data(),
        who=people,
        decision=st.sampled_from(["open", "vote", "close", "sign", "send_back", "register", "pass", "?"]),
    )
    def act_on_task(self, data: st.DataObject, who: str, decision: str) -> None:
        tid = self.pick_id(data, m.Task.id)
        payload = tasks.Payload(
            comment=data.draw(reasons),
            next_chair=data.draw(st.sampled_from([None, "qb-lien-minh-htx"])),
            next_deputy=data.draw(st.sampled_from([None, "qb-hoi-chu-thap-do"])),
            number=data.draw(st.sampled_from([None, 170, 0])),
            proposal_ref="12/TTr-SNV",
        )
        self.attempt(who, None, lambda: tasks.act(self.ctx, who, tid, decision, payload))

    # --- doing one's work: a person takes a task from their inbox and decides it properly ------------

    def _holders(self, task: m.Task) -> list[str]:
        """Who may act on the task: the person it names, or the holders of its role (and unit)."""
        with self.ctx.reader() as uow:
            if task.assignee_person_id is not None:
                person = uow.session.get(m.Person, task.assignee_person_id)
                return [person.username] if person else []
            query = select(m.Person.username).join(m.RoleGrant).where(m.RoleGrant.role == task.assignee_role)
            if task.assignee_unit_id is not None:
                query = query.where(m.RoleGrant.unit_id == task.assignee_unit_id)
            return sorted(set(uow.session.scalars(query)))

    def _diligent(self, data: st.DataObject) -> None:
        """Progress whichever rules Hypothesis switched off for this example (it tries subsets of rules):
        submit a file as its clerk, move the clock to the next date of the cycle, or do a task well."""
        choice = data.draw(st.integers(0, 14), label="diligence")
        if choice == 0:
            name = data.draw(st.sampled_from(sorted(CLERKS)), label="file")
            clerk = CLERKS[name]
            file = copy.deepcopy(FILES[name])
            self.attempt(clerk, "submission", lambda: nominations.submit(self.ctx, clerk, file, SOURCE))
            return
        if choice == 1:
            self.advance_clock(1, jump=True)
            return
        if choice == 2:
            self.run_stages()
            return
        with self.ctx.reader() as uow:
            open_tasks = list(
                uow.session.scalars(select(m.Task).where(m.Task.status == "open").order_by(m.Task.id))
            )
            uow.session.expunge_all()
        if not open_tasks:
            return
        task = data.draw(st.sampled_from(open_tasks), label="task")
        holders = self._holders(task)
        if not holders:
            return
        who = data.draw(st.sampled_from(holders), label="holder")
        kind = task.kind
        p = tasks.Payload(proposal_ref="12/TTr-SNV")
        decision = tasks.DECISIONS[TaskKind(kind)][0]
        if kind == "round_vote":
            self._diligent_round_vote(data, who, task)
            return
        if kind == "round_close":
            with self.ctx.reader() as uow:
                r = uow.session.get(m.BlocRound, task.round_id)
                members = list(r.members) if r else []
            if len(members) >= 2:
                pair = data.draw(st.permutations(members), label="officers")[:2]
                p.next_chair, p.next_deputy = pair[0], pair[1]
        elif kind == "appraise":
            pending = findings.pending_criteria(self.ctx, who, task.nomination_id or 0)
            if pending and data.draw(st.integers(0, 3), label="judge first?") > 0:
                rule, finding = pending[0].rule, data.draw(st.sampled_from(list(Finding)), label="finding")
                reason = "Đã xác minh qua xác nhận của chính quyền địa phương."
                nid = task.nomination_id or 0
                self.attempt(
                    who,
                    "record_finding",
                    lambda: findings.record_finding(self.ctx, who, nid, rule, finding, reason),
                )
                return
            decision = data.draw(
                st.sampled_from(["pass", "pass", "pass", "return", "reject"]), label="appraisal"
            )
            p.comment = "Thẩm định: hồ sơ cần bổ sung số liệu có xác nhận." if decision != "pass" else None
            if decision == "pass" and data.draw(st.booleans(), label="with reason"):
                p.comment = "Đề nghị khen thưởng; điều kiện chưa đạt đã được giải trình."
        elif kind == "complete_dossier":
            p.dossier, p.source = copy.deepcopy(COMPLETED), SOURCE
        elif kind == "late_dossier":
            decision = data.draw(st.sampled_from(["add", "defer"]), label="late dossier")
            p.comment = "Hồ sơ đã hoàn thiện; trưởng khối quyết định theo quy chế khối."
        elif kind == "council_vote":
            self._diligent_council_vote(data, who, task)
            return
        elif kind == "decision_sign":
            if data.draw(st.integers(0, 5), label="send back?") == 0:
                decision, p.comment = "send_back", "Đề nghị Hội đồng xem xét lại."
        elif kind == "decision_register":
            with self.ctx.reader() as uow:
                from sqlalchemy import func

                top = uow.session.scalar(select(func.max(m.Decision.number))) or 161
            p.number = int(top) + 1
        self.attempt(who, None, lambda: tasks.act(self.ctx, who, task.id, decision, p))

    def _diligent_round_vote(self, data: st.DataObject, who: str, task: m.Task) -> None:
        unit = task.assignee_unit_id
        rid = task.round_id
        assert unit is not None and rid is not None
        with self.ctx.reader() as uow:
            items = [
                n.id
                for n in uow.session.scalars(select(m.Nomination).where(m.Nomination.round_id == rid))
                if n.status == "bloc_review" and unit not in (n.submitting_unit_id, n.nominee_unit_id)
            ]
            cast = set(
                uow.session.scalars(
                    select(m.RoundVote.nomination_id).where(
                        m.RoundVote.round_id == rid, m.RoundVote.voter_unit_id == unit
                    )
                )
            )
            scored = uow.session.scalar(
                select(m.RoundScore.id)
                .where(m.RoundScore.round_id == rid, m.RoundScore.scorer_unit_id == unit)
                .limit(1)
            )
        due = [i for i in items if i not in cast]
        against = {i for i in due if data.draw(st.integers(0, 4), label=f"against {i}") == 0}
        sheet = None if scored or unit not in SHEETS else copy.deepcopy(SHEETS[unit])
        approve, reject = set(due) - against, against
        p = tasks.Payload(scores=sheet, approve=approve, reject=reject)
        if self.attempt(who, "round_votes", lambda: tasks.act(self.ctx, who, task.id, "vote", p)).accepted:
            for nid in approve:
                self.ballots.round_votes[(rid, nid)][0] += 1
            for nid in reject:
                self.ballots.round_votes[(rid, nid)][1] += 1

    def _diligent_council_vote(self, data: st.DataObject, who: str, task: m.Task) -> None:
        sid = task.session_id
        assert sid is not None
        with self.ctx.reader() as uow:
            member = uow.session.scalar(
                select(m.SessionMember)
                .join(m.Person, m.Person.id == m.SessionMember.person_id)
                .where(m.SessionMember.session_id == sid, m.Person.username == who)
            )
            present = bool(member and member.present)
            anyone = uow.session.scalar(
                select(m.SessionMember.id)
                .where(m.SessionMember.session_id == sid, m.SessionMember.present.is_(True))
                .limit(1)
            )
        if not anyone:
            here = [u for u in COUNCIL if u not in ("gd.sgddt", "ct.hoinongdan")]
            self.attempt(
                "tb.tdkt",
                "session_attendance",
                lambda: council.record_attendance(self.ctx, "tb.tdkt", sid, here),
            )
            present = who in here
        with self.ctx.reader() as uow:
            items = list(
                uow.session.scalars(
                    select(m.SessionItem.nomination_id).where(
                        m.SessionItem.session_id == sid, m.SessionItem.needs_vote.is_(True)
                    )
                )
            )
        choices = {
            nid: data.draw(st.sampled_from([Choice.YES] * 4 + [Choice.NO, Choice.ABSTAIN])) for nid in items
        }
        if present:
            outcome = self.attempt(
                who, "council_ballot", lambda: council.cast_ballot(self.ctx, who, sid, choices)
            )
        else:
            outcome = self.attempt(
                "tb.tdkt",
                "council_written_ballot",
                lambda: council.enter_written_ballot(self.ctx, "tb.tdkt", sid, who, choices),
            )
        if outcome.accepted:
            self._count(sid, choices)

    # Several copies: Hypothesis switches random subsets of rules off per example (swarm testing); the
    # cycle must still move forward in most examples. Each does one to four pieces of work.
    @rule(data=st.data(), times=st.integers(1, 4))
    def do_my_work(self, data: st.DataObject, times: int) -> None:
        for _ in range(times):
            self._diligent(data)

    @rule(data=st.data(), times=st.integers(1, 4))
    def do_my_work_too(self, data: st.DataObject, times: int) -> None:
        for _ in range(times):
            self._diligent(data)

    @rule(data=st.data(), times=st.integers(1, 4))
    def do_my_work_again(self, data: st.DataObject, times: int) -> None:
        for _ in range(times):
            self._diligent(data)

    @rule(data=st.data(), times=st.integers(1, 4))
    def do_my_work_once_more(self, data: st.DataObject, times: int) -> None:
        for _ in range(times):
            self._diligent(data)

    # --- issue 22: delegations (a person on leave, an operator for them), revoked at random -----------

    @rule(
        data=st.data(),
        who=st.sampled_from(["cv.tdkt1", "cv.tdkt2", "quantri", "gd.snv", "mu.canbo", "pct.ubnd"]),
        to=st.sampled_from(["tb.tdkt", "cv.tdkt2", "cv.tdkt1", "mu.chutich", "nobody"]),
        role=st.sampled_from(["appraiser", "appraiser", "council_member", "decision_signer", "unit_clerk"]),
        days=st.sampled_from([0, 3, 14, -2, 400]),
    )
    def delegate(self, data: st.DataObject, who: str, to: str, role: str, days: int) -> None:
        giver = who if who != "quantri" else data.draw(st.sampled_from(["cv.tdkt1", "cv.tdkt2"]), label="for")
        today = self.clock.today()
        self.attempt(
            who,
            "delegation_granted",
            lambda: delegation.delegate(
                self.ctx,
                who,
                from_username=giver,
                to_username=to,
                role=role,
                starts_on=today,
                ends_on=today + timedelta(days=days),
                reason="Nghỉ phép.",
            ),
        )

    @rule(data=st.data(), who=st.sampled_from(["cv.tdkt1", "cv.tdkt2", "tb.tdkt", "quantri", "mu.canbo"]))
    def revoke_delegation(self, data: st.DataObject, who: str) -> None:
        did = self.pick_id(data, m.Delegation.id)
        self.attempt(who, "delegation_revoked", lambda: delegation.revoke(self.ctx, who, did, "Đi làm lại."))

    # --- time and the stages -------------------------------------------------------------------------

    @rule(days=st.sampled_from([1, 2, 7, 30]), jump=st.booleans())
    def advance_clock(self, days: int, jump: bool) -> None:
        today = self.clock.today()
        ahead = [d for d in MILESTONES if d > today]
        self.clock.set(ahead[0] if jump and ahead else today + timedelta(days=days))

    @rule()
    def run_stages(self) -> None:
        """The sweep: every pending stage, run inline (stages never fail: any error fails the test)."""
        ids = [w.id for w in stages.pending(self.ctx)]
        if ids:
            run_inline(self.ctx, ids)
        after = digests.table_digests(self.ctx)
        self.changed = after != self.digest
        self.digest = after

    # --- invariants ---------------------------------------------------------------------------------

    @invariant()
    def database_invariants(self) -> None:
        if self._ctx is None or not self.changed:
            return
        inv.states_agree(self.ctx)
        inv.tallies_match(self.ctx, self.ballots)
        inv.numbers_unique(self.ctx)
        inv.done_for_whom_by_delegation(self.ctx)
        inv.everyone_can_act(self.ctx, PEOPLE)
        inv.next_step_exists(self.ctx)
        self.changed = False


def _names(events: list[m.AuditEvent]) -> list[str]:
    return [f"{e.id}:{e.action}:{e.actor_label}" for e in events]
