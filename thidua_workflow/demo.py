"""The Quảng Bình scenario, replayed through the services with the clock set to each step's date.

Khối thi đua các hội đặc thù reviews 2019; the council meets in January 2020; the Chairman and a Vice
Chairman sign; the registrar numbers the decisions; in May 2020 an ad-hoc award follows the simplified
procedure. Every person is played through the same service calls the CLI makes. Until the Prefect flows
carry work between stages (next issue), the demo also plays the part of moving on.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from flows.inline import run_inline

# issue 20a: the year around the awards
from thidua_workflow import registration_sheet
from thidua_workflow.certificates.tokens import TokenConfig
from thidua_workflow.certificates.verification import local_host
from thidua_workflow.clock import FixedClock
from thidua_workflow.domain.enums import Choice, Finding, NationalOutcome, NominationStatus
from thidua_workflow.domain.movements import MovementDocumentKind, PledgeStatus, ReviewStage
from thidua_workflow.domain.text import money_vnd, search_key
from thidua_workflow.domain.vocabulary import rule_name
from thidua_workflow.errors import NotPermitted
from thidua_workflow.keyfile import local_secret
from thidua_workflow.services import (
    annulments,
    certificates,
    clearances,
    council,
    dashboard,
    decisions,
    delegation,
    directory,
    findings,
    movements,
    national,
    nominations,
    org,
    paperwork,
    pledges,
    posting,
    queries,
    registrations,
    rounds,
    tasks,
)
from thidua_workflow.services.context import Context, bootstrap
from thidua_workflow.services.evidence import DirectorySource
from thidua_workflow.services.signers import SignerIn, SigningSecret, set_signer
from thidua_workflow.settings import Settings

# (date, clerk, file): the units' submissions for the 2019 year-end review.
SUBMISSIONS = [
    (date(2019, 12, 5), "nct.canbo", "hoi-nguoi-cao-tuoi-2019"),
    (date(2019, 12, 5), "mu.canbo", "hoi-nguoi-mu-2019"),
    (date(2019, 12, 6), "htx.canbo", "lien-minh-htx-2019"),
    (date(2019, 12, 6), "ctd.canbo", "hoi-chu-thap-do-2019"),
    (date(2019, 12, 6), "nhabao.canbo", "hoi-nha-bao-2019"),
    (date(2019, 12, 9), "vhnt.canbo", "hoi-vhnt-2019"),
    (date(2019, 12, 9), "luatgia.canbo", "hoi-luat-gia-2019"),
]
# issue 20a: the folder of the 2020 cycle's files, and who registers for each unit.
YEAR_FOLDER = "year-2020"
REGISTRATION_CLERKS = {
    "qb-hoi-chu-thap-do": "ctd.canbo",
    "qb-hoi-nguoi-mu": "mu.canbo",
    "qb-lien-minh-htx": "htx.canbo",
    "qb-hoi-luat-gia": "luatgia.canbo",
    "qb-hoi-nct": "nct.canbo",
}
# Each member unit's representative, and the file of its score sheets.
REPRESENTATIVES = {
    "qb-hoi-nct": ("nct.chutich", "hoi-nct"),
    "qb-hoi-nguoi-mu": ("mu.chutich", "hoi-nguoi-mu"),
    "qb-lien-minh-htx": ("htx.chutich", "lien-minh-htx"),
    "qb-hoi-chu-thap-do": ("ctd.chutich", "hoi-chu-thap-do"),
    "qb-hoi-nha-bao": ("nhabao.chutich", "hoi-nha-bao"),
    "qb-hoi-lhtn": ("lhtn.chutich", "hoi-lhtn"),
    "qb-hoi-da-cam": ("dacam.chutich", "hoi-da-cam"),
    "qb-lien-hiep-khkt": ("khkt.chutich", "lien-hiep-khkt"),
    "qb-hoi-luat-gia": ("luatgia.chutich", "hoi-luat-gia"),
    "qb-hoi-vhnt": ("vhnt.chutich", "hoi-vhnt"),
}
COUNCIL = [
    "ct.ubnd",
    "gd.snv",
    "tb.tdkt",
    "cvp.ubnd",
    "gd.stc",
    "gd.sgddt",
    "ct.ldld",
    "ct.mttq",
    "bt.tinhdoan",
    "ct.hoiphunu",
    "ct.hoinongdan",
]
ABSENT = ["gd.sgddt", "ct.hoinongdan"]  # they send written ballots
# The decision signers sign with their own key, kept in a SoftHSM2 token when softhsm2 is installed:
# Quảng Bình's Chairman and Vice Chairman, and after the 2025 merger the new Quảng Trị's Chairman.
TOKEN_SIGNERS = ("ct.ubnd", "pct.ubnd", "ct.ubnd.qt")
DEMO_PIN = "123456"
# issue 18: what the demo's appraiser writes as the reason of a finding on a criterion "cần thẩm định".
DEMO_FINDING_REASON = (
    "Đã xác minh qua báo cáo thành tích, xác nhận của chính quyền địa phương và ý kiến của khối."
)


@dataclass(frozen=True)
class DemoTokens:
    """Each signer's token (SoftHSM2, under the data directory), the demo's PIN, and the test CA."""

    tokens: dict[str, TokenConfig]
    pin: str
    ca_pem: Path
    softhsm_conf: Path


def demo_tokens(data_dir: Path, examples: list[Path]) -> DemoTokens | None:
    """A new test CA and one SoftHSM2 token per signer, or None when softhsm2 is not installed."""
    from thidua_workflow.certificates.demo_ca import new_ca
    from thidua_workflow.certificates.tokens import create_soft_token, softhsm_module

    if softhsm_module() is None:
        return None
    directory = data_dir / "softhsm"
    shutil.rmtree(directory, ignore_errors=True)  # a fresh token directory per run, like the database
    names = {p["username"]: p["full_name"] for e in examples for p in _load(e / "org.yaml")["people"]}
    ca = new_ca()
    ca_pem = data_dir / "demo-ca.pem"
    ca_pem.write_bytes(ca.cert_pem)
    tokens: dict[str, TokenConfig] = {}
    conf = directory / "softhsm2.conf"
    for username in (u for u in TOKEN_SIGNERS if u in names):
        issued = ca.issue(names[username], organization="UBND tỉnh (bản chạy thử)")
        token = create_soft_token(
            directory,
            label=f"demo-{username}",
            pin=DEMO_PIN,
            key_pkcs8_der=issued.key_pkcs8_der,
            chain_der=[issued.cert_der, ca.cert_der],
            key_label="chu-ky-so",
        )
        tokens[username], conf = token.config, token.conf_file
    return DemoTokens(tokens, DEMO_PIN, ca_pem, conf)


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class Scenario:
    """The steps, each a person's service call, on one context with a settable clock."""

    def __init__(
        self,
        ctx: Context,
        clock: FixedClock,
        example: Path,
        say: Callable[[str], None],
        tokens: DemoTokens | None = None,
    ) -> None:
        self.tokens = tokens
        self.ctx = ctx
        self.clock = clock
        self.example = example
        self.folder = example / "nominations"
        self.source = DirectorySource(self.folder)
        self.say = say
        self.ids: dict[str, list[int]] = {}

    def name(self, username: str) -> str:
        """The person's full name for the narration (the username is their login, not their name)."""
        return directory.person_names(self.ctx).get(username, username)

    def on(self, day: date, text: str) -> None:
        self.clock.set(day)
        self.say(f"[{day:%d/%m/%Y}] {text}")

    def task(self, user: str, kind: str, **match: int) -> int:
        for view in tasks.list_tasks(self.ctx, user):
            if view.kind == kind and all(getattr(view, k) == v for k, v in match.items()):
                return view.id
        raise LookupError(f"{user} has no {kind} task {match}")

    def act(
        self, user: str, kind: str, decision: str, payload: tasks.Payload | None = None, **match: int
    ) -> str:
        if decision == "sign" and self.tokens is not None and user in self.tokens.tokens:
            payload = payload or tasks.Payload()
            payload.secret = SigningSecret(pin=self.tokens.pin)  # typed on the token's PIN pad, in life
        if kind == "appraise" and decision == "pass" and "nomination_id" in match:
            self.judge(user, match["nomination_id"])
        result = tasks.act(self.ctx, user, self.task(user, kind, **match), decision, payload)
        self.say(f"    {self.name(user)}: {result.summary}")
        return result.summary

    # --- issue 18: the appraiser's findings on criteria marked "cần thẩm định" ------------------------
    def judge(self, user: str, nomination_id: int) -> None:
        """Before proposing a dossier, the appraiser records a finding on each criterion that needs one."""
        for check in findings.pending_criteria(self.ctx, user, nomination_id):
            findings.record_finding(
                self.ctx, user, nomination_id, check.rule, Finding.MET, DEMO_FINDING_REASON
            )
            self.say(f"    {self.name(user)}: hồ sơ số {nomination_id}, {rule_name(check.rule)}: đạt")

    def hand_tokens(self, organisation: dict[str, Any]) -> None:
        """Each signer of the organisation just loaded who has a demo token signs with it from now on."""
        if self.tokens is None:
            return
        people = {p["username"] for p in organisation["people"]}
        mine = [u for u in self.tokens.tokens if u in people]
        for username in mine:
            token = self.tokens.tokens[username]
            set_signer(
                self.ctx,
                username,
                SignerIn(
                    kind="pkcs11",
                    pkcs11_module=token.module,
                    token_label=token.token_label,
                    key_label=token.key_label,
                ),
            )
        if mine:
            self.say(
                f"    {', '.join(self.name(u) for u in mine)} ký số bằng thiết bị của mình "
                "(SoftHSM2, chứng thư do CA thử nghiệm cấp)"
            )

    def run(self) -> None:
        ctx = self.ctx
        self.on(date(2019, 12, 2), "Nạp tổ chức tỉnh Quảng Bình")
        org.load_organisation(ctx, _load(self.example / "org.yaml"), source="org.yaml")
        self.hand_tokens(_load(self.example / "org.yaml"))
        self.movement_2019()  # issue 20a
        for day, clerk, name in SUBMISSIONS:
            self.on(day, f"{self.name(clerk)} nộp tờ trình {name}.yaml")
            self.ids[name] = nominations.submit(
                ctx, clerk, _load(self.folder / f"{name}.yaml"), self.source
            ).nomination_ids
        nha_bao = self.ids["hoi-nha-bao-2019"][0]

        self.on(
            date(2019, 12, 10),
            "Trưởng khối (Hội Người cao tuổi) trả lại hồ sơ của Hội Nhà báo; Hội Luật gia rút hồ sơ",
        )
        rounds.return_dossier(
            ctx, "nct.chutich", nha_bao, "Thành tích chưa cụ thể; bổ sung số liệu và báo cáo có xác nhận."
        )
        nominations.withdraw(
            ctx, "luatgia.canbo", self.ids["hoi-luat-gia-2019"][0], "Đơn vị xin rút để đề nghị vào năm sau."
        )
        self.on(date(2019, 12, 16), "Hội Nhà báo nộp lại hồ sơ đã hoàn thiện")
        self.act(
            "nhabao.canbo",
            "complete_dossier",
            "resubmit",
            tasks.Payload(
                dossier=_load(self.folder / "hoi-nha-bao-2019-hoan-thien.yaml"), source=self.source
            ),
        )
        round_id = rounds.find_round(ctx, "qb-khoi-hoi-dac-thu", "2019")
        self.on(date(2019, 12, 17), "Trưởng khối mở chấm điểm, bỏ phiếu bình xét")
        self.act("nct.chutich", "round_open", "open")
        vhnt = self.ids["hoi-vhnt-2019"][0]
        self.on(date(2019, 12, 19), "Các đơn vị thành viên chấm điểm và bỏ phiếu")
        items = [
            n["id"] for n in rounds.show_round(ctx, round_id).nominations if n["status"] == "bloc_review"
        ]
        for unit, (user, sheet) in REPRESENTATIVES.items():
            own = {n.id for n in queries.list_nominations(ctx, unit=unit)}
            votes = [i for i in items if i not in own]
            # Most members do not support Hội Văn học Nghệ thuật's nominee.
            against = {vhnt} if unit not in ("qb-hoi-nha-bao", "qb-hoi-lhtn", "qb-hoi-luat-gia") else set()
            scores = {
                k: {c: int(p) for c, p in v.items()}
                for k, v in _load(self.example / "round-2019" / f"{sheet}.yaml").items()
            }
            self.act(
                user,
                "round_vote",
                "vote",
                tasks.Payload(scores=scores, approve=set(votes) - against, reject=set(votes) & against),
            )
        self.on(date(2019, 12, 20), "Trưởng khối kết thúc bình xét; bầu trưởng, phó khối năm 2020")
        self.act(
            "nct.chutich",
            "round_close",
            "close",
            tasks.Payload(next_chair="qb-lien-minh-htx", next_deputy="qb-hoi-chu-thap-do"),
        )
        self.review_2019(round_id)  # issue 20a

        self.on(date(2020, 1, 8), "Ban Thi đua – Khen thưởng thẩm định")
        for task in tasks.list_tasks(ctx, "cv.tdkt1"):
            if task.kind == "appraise":
                self.act("cv.tdkt1", "appraise", "pass", nomination_id=task.nomination_id or 0)

        self.on(date(2020, 1, 15), "Thường trực Hội đồng triệu tập phiên họp; thành viên bỏ phiếu kín")
        self.act("tb.tdkt", "session_open", "open")
        session_id = council.list_sessions(ctx)[-1].id
        view = council.show_session(ctx, session_id)
        vote_items = [i["nomination"] for i in view.items if i["needs_vote"]]
        council.record_attendance(ctx, "tb.tdkt", session_id, [u for u in COUNCIL if u not in ABSENT])
        cstd = self.ids["hoi-nguoi-mu-2019"][1]
        for i, member in enumerate(COUNCIL):
            choices = dict.fromkeys(vote_items, Choice.YES)
            if i == 3 and cstd in choices:
                choices[cstd] = Choice.NO  # one member against: 10/11 still reaches 90%
            if member in ABSENT:
                council.enter_written_ballot(ctx, "tb.tdkt", session_id, member, choices)
            else:
                council.cast_ballot(ctx, member, session_id, choices)
        self.act(
            "tb.tdkt",
            "session_close",
            "close",
            tasks.Payload(proposal_ref="12/TTr-SNV"),
            session_id=session_id,
        )

        self.on(date(2020, 1, 20), "Chủ tịch và Phó Chủ tịch UBND tỉnh ký; một dự thảo bị trả lại")
        drafts = decisions.list_decisions(ctx)
        for d in drafts:
            if d.award_form == "tap_the_lao_dong_xuat_sac":
                self.act(
                    "pct.ubnd",
                    "decision_sign",
                    "send_back",
                    tasks.Payload(
                        comment="Đề nghị Hội đồng xem xét lại thời điểm khen tập thể cùng đợt với Hội."
                    ),
                    decision_id=d.id,
                )
            else:
                signer = (
                    "ct.ubnd" if d.award_form in ("co_thi_dua_tinh", "chien_si_thi_dua_tinh") else "pct.ubnd"
                )
                self.act(signer, "decision_sign", "sign", decision_id=d.id)
        self.on(date(2020, 1, 21), "Văn thư vào sổ, cấp số quyết định")
        number = 161
        for d in decisions.list_decisions(ctx):
            if d.status == "signed":
                number += 1
                self.act(
                    "vt.ubnd", "decision_register", "register", tasks.Payload(number=number), decision_id=d.id
                )

        self.on(date(2020, 2, 12), "Phiên họp thứ hai: xét lại dự thảo bị trả lại")
        self._council_round(signer="pct.ubnd", number=number + 1, proposal="20/TTr-SNV")
        self.year_2020()  # issue 20a

        self.on(date(2020, 5, 15), "Hội LHTN đề nghị khen thưởng đột xuất (thủ tục đơn giản)")
        ad_hoc = nominations.submit(
            ctx, "lhtn.canbo", _load(self.folder / "hoi-lhtn-2020-dot-xuat.yaml"), self.source
        )
        # --- issue 22: an appraiser's task done by a delegate, "for whom" on the record ---
        leave = delegation.delegate(
            ctx,
            "cv.tdkt2",
            from_username="cv.tdkt2",
            to_username="tb.tdkt",
            role="appraiser",
            starts_on=date(2020, 5, 18),
            ends_on=date(2020, 5, 29),
            reason="Nghỉ phép năm; Trưởng Ban xử lý thay việc thẩm định.",
        )
        self.say(
            f"    {leave.from_name} nghỉ phép 18/05–29/05/2020, ủy quyền việc thẩm định cho {leave.to_name}"
        )
        self.on(
            date(2020, 5, 19), "Thẩm định hồ sơ đột xuất (người được ủy quyền); phiên họp thứ ba; ký, vào sổ"
        )
        self.act("tb.tdkt", "appraise", "pass", nomination_id=ad_hoc.nomination_ids[0])
        passed = [e for e in audit_trail(ctx, ad_hoc.nomination_ids[0]) if e["action"] == "appraisal_pass"]
        # The record's labels carry the login in brackets (for operators); the narration names people.
        actor, for_whom = (str(passed[-1][k]).split(" (")[0] for k in ("actor", "on_behalf"))
        self.say(f"    nhật ký: {actor} thẩm định, thực hiện thay {for_whom}")
        self._council_round(signer="pct.ubnd", number=number + 2, proposal="41/TTr-SNV")
        dashboard.refresh(ctx)  # issue 22: the Ban's dashboard as the nightly sweep leaves it

    # --- the year around the awards (issue 20a): movements, the bloc's pledge, registrations ----------

    def movement_2019(self) -> None:
        folder = self.example / YEAR_FOLDER
        if not folder.is_dir():
            return
        self.say(
            "    Ban Thi đua – Khen thưởng ghi nhận Phong trào thi đua yêu nước năm 2019 (phát động 15/01/2019)"
        )
        movements.launch(
            self.ctx, "cv.tdkt1", _load(folder / "movement-2019.yaml"), source=DirectorySource(folder)
        )

    def review_2019(self, round_id: int) -> None:
        if not (self.example / YEAR_FOLDER).is_dir():
            return
        movements.link_review(
            self.ctx, "nct.chutich", "thi-dua-yeu-nuoc-2019", round_id, ReviewStage.YEAR_END
        )
        self.say("    Vòng bình xét là tổng kết Phong trào thi đua yêu nước năm 2019")

    def year_2020(self) -> None:
        """The 2020 cycle's start: the movements, the bloc's pledge signed by every member, the units'
        registrations by 31/3 (one from the Excel template), the chair collecting them."""
        folder = self.example / YEAR_FOLDER
        if not folder.is_dir():
            return
        ctx, source = self.ctx, DirectorySource(folder)
        self.on(date(2020, 2, 14), "Ban Thi đua – Khen thưởng ghi nhận Phong trào thi đua yêu nước năm 2020")
        movements.launch(ctx, "cv.tdkt1", _load(folder / "movement-2020.yaml"), source=source)
        self.on(date(2020, 2, 17), "Trưởng khối (Liên minh HTX) lập giao ước thi đua năm 2020 của Khối")
        pledge_id = pledges.draw_up(ctx, "htx.chutich", _load(folder / "pledge-2020.yaml"))
        self.on(date(2020, 2, 20), "Các đơn vị thành viên ký giao ước, gửi bản đã ký")
        for unit, (user, _sheet) in REPRESENTATIVES.items():
            path = folder / "evidence" / f"giao-uoc-2020-{unit}.pdf"
            document = movements.NewDocument(MovementDocumentKind.OTHER, path.name, path.read_bytes())
            result = pledges.sign(ctx, user, pledge_id, document)
        self.say(f"    Giao ước: {PledgeStatus(result['status']).label.lower()} — bảng điểm của năm 2020")
        self.on(date(2020, 3, 10), "Các hội đăng ký danh hiệu thi đua năm 2020")
        for path in sorted((folder / "registrations").glob("*.yaml")):
            data = _load(path)
            clerk = next(c for u, c in REGISTRATION_CLERKS.items() if u == data["unit"])
            registrations.register(ctx, clerk, data, source_name=path.name)
        workbook = folder / "registrations" / "hoi-nguoi-cao-tuoi.xlsx"
        raw = workbook.read_bytes()
        sheet = registration_sheet.read_registration_workbook(raw)
        registrations.register(
            ctx,
            "nct.canbo",
            sheet.data,
            source_name=workbook.name,
            source_sha256=hashlib.sha256(raw).hexdigest(),
        )
        self.on(
            date(2020, 3, 25),
            "Khối phát động phong trào chuyên đề 'San sẻ yêu thương, chung tay đẩy lùi đại dịch'",
        )
        movements.launch(ctx, "htx.chutich", _load(folder / "movement-dich-2020.yaml"), source=source)
        self.on(date(2020, 4, 1), "Trưởng khối tổng hợp bản đăng ký thi đua của các thành viên")
        collected = registrations.collect(ctx, "htx.chutich", "thi-dua-yeu-nuoc-2020", "qb-khoi-hoi-dac-thu")
        self.say(
            f"    {len(collected['collected'])} đơn vị đã đăng ký; {len(collected['missing'])} đơn vị không đăng ký "
            "(không được xét danh hiệu thi đua năm 2020)"
        )

    def refused(self, user: str, what: str, call: Callable[[], object]) -> None:
        """A step the person may not take: the refusal, as the CLI (exit 3) and the web show it."""
        try:
            call()
        except NotPermitted as exc:
            self.say(f"    {self.name(user)} — {what}: bị từ chối ({exc})")
            return
        raise RuntimeError(f"{user} was allowed to {what}")

    def _council_round(self, *, signer: str, number: int, proposal: str) -> None:
        """A session with only items that need no vote: quorum, close, sign, register."""
        ctx = self.ctx
        self.act("tb.tdkt", "session_open", "open")
        session_id = council.list_sessions(ctx)[-1].id
        council.record_attendance(ctx, "tb.tdkt", session_id, [u for u in COUNCIL if u not in ABSENT])
        view = council.show_session(ctx, session_id)
        if any(i["needs_vote"] for i in view.items):
            raise RuntimeError("the demo's later sessions hold only items that need no vote")
        self.act(
            "tb.tdkt", "session_close", "close", tasks.Payload(proposal_ref=proposal), session_id=session_id
        )
        for d in decisions.list_decisions(ctx):
            if d.status == "draft":
                self.act(signer, "decision_sign", "sign", decision_id=d.id)
                self.act(
                    "vt.ubnd", "decision_register", "register", tasks.Payload(number=number), decision_id=d.id
                )


class Merger2025(Scenario):
    """The 2025 reform: Quảng Bình and the former Quảng Trị form the new Quảng Trị from 01/7/2025.

    Runs on the Quảng Bình scenario's data. A Quảng Bình ad-hoc nomination is appraised in June and is
    still awaiting the council on 30/6; the merger is loaded on 01/7 (its handover goes on the record);
    in December the new province's bloc, Ban Thi đua – Khen thưởng, council and Chairman take the 2025
    year-end round and the nomination in flight to decisions of the new Ủy ban nhân dân tỉnh Quảng Trị,
    while the former Chairman, a former council member and a dissolved association's clerk are refused.
    The steps NĐ 152/2025 adds run through it (issue 19): a Chiến sĩ thi đua toàn quốc nomination is posted
    (Điều 44 k2) and commented on, the Ban Thường vụ Tỉnh ủy's opinion asked (Điều 33 k2, Điều 34), the
    council held back until the posting ends, the national proposal sent and its outcome recorded (Điều 33
    k9–k12, Điều 35), and a 2025 award annulled with its money recovered (Điều 56, 58).
    """

    def run(self) -> None:
        ctx = self.ctx
        old_decision = next(d for d in decisions.list_decisions(ctx) if d.status == "issued")
        issued_before = certificates.decision_pdf(ctx, old_decision.id)

        self.on(date(2025, 6, 16), "Hội Người mù tỉnh Quảng Bình đề nghị khen thưởng đột xuất")
        in_flight = nominations.submit(
            ctx, "mu.canbo", _load(self.folder / "hoi-nguoi-mu-2025-dot-xuat.yaml"), self.source
        ).nomination_ids[0]
        self.on(date(2025, 6, 24), "Ban Thi đua – Khen thưởng tỉnh Quảng Bình thẩm định; hồ sơ chờ Hội đồng")
        self.act("cv.tdkt1", "appraise", "pass", nomination_id=in_flight)

        self.on(date(2025, 7, 1), "Hợp nhất tỉnh: nạp tổ chức tỉnh Quảng Trị (Nghị quyết 202/2025/QH15)")
        merged = _load(self.example / "org.yaml")
        report = org.load_organisation(ctx, merged, source="org.yaml")
        handed = report.counts["nominations_handed_over"]
        self.say(
            f"    {handed} hồ sơ đang xét được chuyển giao; quyền của các cơ quan tỉnh Quảng Bình kết thúc 30/6/2025"
        )
        self.hand_tokens(merged)

        self.on(date(2025, 12, 3), "Các đơn vị nộp tờ trình tổng kết năm 2025")
        submitted = nominations.submit(
            ctx, "nct.canbo.qt", _load(self.folder / "hoi-nguoi-cao-tuoi-2025.yaml"), self.source
        ).nomination_ids
        self.say(f"    {self.name('nct.canbo.qt')}: nộp hồ sơ số {', '.join(map(str, submitted))}")
        national_id = self._nd152_submit_and_post()  # issue 19: a national proposal, posted
        submitted = [*submitted, national_id]
        self.refused(
            "nctcu.canbo",
            "nộp tờ trình của hội đã hợp nhất",
            lambda: nominations.submit(
                ctx, "nctcu.canbo", _load(self.folder / "hoi-nct-cu-2025.yaml"), self.source
            ),
        )
        round_id = rounds.find_round(ctx, "qt-khoi-hoi-dac-thu", "2025")
        self.on(date(2025, 12, 8), "Trưởng khối (Hội Chữ thập đỏ tỉnh Quảng Trị) mở bỏ phiếu bình xét")
        self.act("ctd.chutich.qt", "round_open", "open")
        electorate = rounds.show_round(ctx, round_id).members
        names = directory.unit_names(ctx, self.clock.today(), electorate)
        self.say(f"    Đơn vị bỏ phiếu ({len(electorate)}): {'; '.join(names[u] for u in electorate)}")
        self.on(date(2025, 12, 10), "Các đơn vị thành viên bỏ phiếu")
        for unit, user in VOTERS_2025.items():
            own = {n.id for n in queries.list_nominations(ctx, unit=unit)}
            self.act(user, "round_vote", "vote", tasks.Payload(approve=set(submitted) - own))
        self.on(date(2025, 12, 11), "Trưởng khối kết thúc bình xét; bầu trưởng, phó khối năm 2026")
        self.act(
            "ctd.chutich.qt",
            "round_close",
            "close",
            tasks.Payload(next_chair="qb-hoi-nha-bao", next_deputy="qb-hoi-nct"),
        )
        self.on(date(2025, 12, 15), "Ban Thi đua – Khen thưởng tỉnh Quảng Trị thẩm định")
        for task in tasks.list_tasks(ctx, "cv.tdkt.qt"):
            if task.kind == "appraise":
                self.act("cv.tdkt.qt", "appraise", "pass", nomination_id=task.nomination_id or 0)

        self._nd152_before_council(national_id)  # issue 19: opinions asked, the posting's gate
        self.on(date(2025, 12, 17), "Hội đồng Thi đua – Khen thưởng tỉnh Quảng Trị họp")
        self.act("tb.tdkt.qt", "session_open", "open")
        session_id = council.list_sessions(ctx)[-1].id
        view = council.show_session(ctx, session_id)
        self.say(f"    Thành viên Hội đồng ngày họp: {view.members_total}")
        self.refused(
            "gd.snv",
            "bỏ phiếu trong Hội đồng tỉnh Quảng Trị",
            lambda: council.cast_ballot(ctx, "gd.snv", session_id, {}),
        )
        council.record_attendance(ctx, "tb.tdkt.qt", session_id, COUNCIL_2025)
        vote_items = [i["nomination"] for i in view.items if i["needs_vote"]]
        for member in COUNCIL_2025:
            council.cast_ballot(ctx, member, session_id, dict.fromkeys(vote_items, Choice.YES))
        self.act(
            "tb.tdkt.qt",
            "session_close",
            "close",
            tasks.Payload(proposal_ref="215/TTr-SNV"),
            session_id=session_id,
        )

        self.on(date(2025, 12, 18), "Chủ tịch UBND tỉnh Quảng Trị ký; quyết định được cấp số của cơ quan mới")
        for d in decisions.list_decisions(ctx):
            if d.status == "draft":
                self.refused(
                    "ct.ubnd",
                    f"ký dự thảo quyết định số {d.id} của tỉnh Quảng Trị",
                    functools.partial(decisions.sign, ctx, "ct.ubnd", d.id),
                )
                self.act("ct.ubnd.qt", "decision_sign", "sign", decision_id=d.id)

        handover = [e for e in audit_trail(ctx, in_flight) if e["action"] == "handover"]
        self.say(
            f"    Hồ sơ số {in_flight}: {handover[0]['comment']}"
            if handover
            else "    (không có chuyển giao)"
        )
        issued_after = certificates.decision_pdf(ctx, old_decision.id)
        same = "giữ nguyên tệp đã ban hành" if issued_after == issued_before else "ĐÃ THAY ĐỔI"
        self.say(
            f"    Quyết định {old_decision.number_text} ngày {old_decision.decision_date:%d/%m/%Y} của "
            f"{old_decision.issuing_body}: {same} (SHA-256 {hashlib.sha256(issued_after).hexdigest()[:16]}…)"
        )
        self._nd152_after_council(national_id, in_flight)  # issue 19: the national proposal, an annulment

    # --- NĐ 152/2025 steps (issue 19) ------------------------------------------------------------------

    def _nd152_submit_and_post(self) -> int:
        """A Chiến sĩ thi đua toàn quốc nomination, and its list posted the same day (Điều 44 k2)."""
        ctx = self.ctx
        national_id = nominations.submit(
            ctx, "nct.canbo.qt", _load(self.folder / "hoi-nguoi-cao-tuoi-2025-toan-quoc.yaml"), self.source
        ).nomination_ids[0]
        self.say(
            f"    {self.name('nct.canbo.qt')}: nộp hồ sơ số {national_id} đề nghị Chiến sĩ thi đua toàn quốc"
        )
        view = posting.publish(
            ctx, "cv.tdkt.qt", [national_id], title="Danh sách đề nghị Chiến sĩ thi đua toàn quốc năm 2025"
        )
        self.say(
            f"    [Điều 44 khoản 2 NĐ 152/2025] Ban Thi đua – Khen thưởng công khai danh sách số {view.id} trên trang "
            f"/cong-khai từ {view.published_on:%d/%m/%Y} đến {view.ends_on:%d/%m/%Y} (10 ngày làm việc)"
        )
        self.clock.set(date(2025, 12, 5))
        posting.submit_public_comment(
            ctx,
            view.id,
            national_id,
            author_name="Một hội viên ở phường Đồng Hới",
            contact=None,
            body="Đề nghị làm rõ mô hình câu lạc bộ liên thế hệ đã được nhân rộng ở những tỉnh nào.",
            client_address="203.0.113.7",
        )
        self.say("[05/12/2025]     Một người dân gửi ý kiến qua trang công khai (không cần tài khoản)")
        return national_id

    def _nd152_before_council(self, national_id: int) -> None:
        ctx = self.ctx
        asked = clearances.request(ctx, "cv.tdkt.qt", national_id, letter_ref="1520/SNV-TĐKT")
        for c in asked:
            self.say(
                f"    [Điều 33 khoản 2, Điều 34 NĐ 152/2025] Xin ý kiến {c.body_label} về hồ sơ số {national_id}; "
                f"hạn trả lời {c.due_on:%d/%m/%Y} (10 ngày làm việc)"
            )
        self.clock.set(date(2025, 12, 16))
        for comment in posting.list_postings(ctx)[0].comments:
            posting.answer(
                ctx,
                "cv.tdkt.qt",
                comment.id,
                "Mô hình được Trung ương Hội Người cao tuổi Việt Nam nhân rộng tại 12 tỉnh "
                "(Công văn số 45/TWH ngày 10/9/2025).",
            )
        self.say(
            f"[16/12/2025]     {self.name('cv.tdkt.qt')} trả lời ý kiến; câu trả lời được ghi vào biên bản Hội đồng"
        )
        reason = posting.vote_gate(ctx, national_id)
        self.say(f"                 Hội đồng chưa được biểu quyết ngày 16/12/2025: {reason}")

    def _nd152_after_council(self, national_id: int, annulled_id: int) -> None:
        ctx = self.ctx
        minutes = paperwork.context(ctx, "bien-ban-hoi-dong", council.list_sessions(ctx)[-1].id)
        self.say(f"    Biên bản Hội đồng, mục công khai: {minutes['public_posting'][0]}")
        self.on(date(2025, 12, 19), "Ban Thường vụ Tỉnh ủy trả lời; chuyên viên ghi nhận ý kiến và văn bản")
        for c in clearances.list_for(ctx, national_id, open_only=True):
            view = clearances.reply(
                ctx,
                "cv.tdkt.qt",
                c.id,
                favourable=True,
                reply_on=date(2025, 12, 19),
                text="Thống nhất đề nghị.",
                reply_ref="88-CV/TU",
                document=(
                    "cong-van-88-tu.pdf",
                    (self.folder / "evidence" / "to-trinh-2025.pdf").read_bytes(),
                ),
            )
            self.say(f"    {view.body_label}: {view.status_label} (Công văn số {view.reply_ref})")
        self.on(
            date(2025, 12, 22),
            "[Điều 33 khoản 9–12, Điều 35 NĐ 152/2025] Lập hồ sơ trình Thủ tướng Chính phủ",
        )
        proposal = national.prepare(ctx, "cv.tdkt.qt", "chien_si_thi_dua_toan_quoc")
        name, package = national.package(ctx, proposal.id)
        self.say(
            f"    Hồ sơ trình số {proposal.id}: {len(proposal.items)} trường hợp; tệp {name} "
            f"({money(len(package))} byte: công văn, danh sách, biên bản, báo cáo thành tích); hạn Bộ Nội vụ nhận "
            f"{proposal.deadline:%d/%m/%Y}"
            if proposal.deadline
            else ""
        )
        sent = national.mark_sent(
            ctx, "cv.tdkt.qt", proposal.id, letter_ref="3120/UBND-NC", sent_on=date(2025, 12, 22)
        )
        self.say(
            f"    Đã gửi {sent.central_body} (Công văn số {sent.letter_ref}); không có kết nối mạng với hệ thống Trung ương"
        )
        self.on(date(2026, 4, 10), "Thủ tướng Chính phủ quyết định; chuyên viên ghi nhận kết quả")
        national.record_outcome(
            ctx,
            "cv.tdkt.qt",
            national_id,
            outcome=NationalOutcome.AWARDED,
            decision_ref="789/QĐ-TTg",
            decided_on=date(2026, 4, 8),
        )
        self.say(
            f"    Hồ sơ số {national_id}: Chiến sĩ thi đua toàn quốc, Quyết định số 789/QĐ-TTg ngày 08/04/2026"
        )

        decision = next(
            d for d in decisions.list_decisions(ctx) if any(i["nomination"] == annulled_id for i in d.items)
        )
        self.on(date(2026, 5, 4), "[Điều 56, 58 NĐ 152/2025] Chủ tịch UBND tỉnh hủy bỏ một khen thưởng")
        done = annulments.annul(
            ctx,
            "vt.ubnd.qt",
            decision.id,
            act_number="412/QĐ-UBND",
            act_date=date(2026, 5, 4),
            ground="Kết luận thanh tra số 15/KL-TTr ngày 20/4/2026: thành tích kê khai không đúng sự thật "
            "(khoản 2 Điều 93 Luật Thi đua, khen thưởng).",
            nomination_ids=[annulled_id],
            act_signer="Lê Văn Mẫu Hợp Nhất",
        )
        for a in done:
            self.say(
                f"    Quyết định số {a.act_number} hủy bỏ khen thưởng của {a.nominee_name} tại Quyết định số "
                f"{a.decision_number}; thu hồi {money(a.recover_amount)} đồng, hạn {a.recover_due_on:%d/%m/%Y}"
            )
            if a.certificate_code:
                verdict = certificates.verify(ctx, a.certificate_code)
                self.say(f"    Tra cứu bằng mã {a.certificate_code}: {verdict.message}")
        self.on(date(2026, 5, 15), "Văn thư ghi nhận đã thu hồi hiện vật và tiền thưởng")
        self.act("vt.ubnd.qt", "recover", "recovered", tasks.Payload(dated=date(2026, 5, 14)))


# The 2025 round: the unit each representative votes for, and the council on the day it meets.
VOTERS_2025 = {
    "qb-hoi-nct": "nct.chutich.qt",
    "qb-lien-minh-htx": "htx.chutich",
    "qb-hoi-nguoi-mu": "mu.chutich",
    "qb-hoi-chu-thap-do": "ctd.chutich.qt",
    "qb-hoi-nha-bao": "nhabao.chutich.qt",
}
COUNCIL_2025 = ["ct.ubnd.qt", "tb.tdkt.qt"]


def money(amount: int) -> str:
    """An amount as Vietnamese write it: 2.340.000."""
    return f"{amount:,}".replace(",", ".")


def audit_trail(ctx: Context, nomination_id: int) -> list[dict[str, Any]]:
    """The nomination's recorded events, oldest first."""
    from sqlalchemy import select

    from thidua_workflow.db import models as m

    with ctx.reader() as uow:
        rows = uow.session.scalars(
            select(m.AuditEvent)
            .where(m.AuditEvent.entity_type == "nomination", m.AuditEvent.entity_id == str(nomination_id))
            .order_by(m.AuditEvent.id)
        )
        return [
            {
                "action": e.action,
                "comment": e.comment,
                "at": e.at,
                "actor": e.actor_label,
                "on_behalf": e.on_behalf_of_label,  # issue 22: whom a delegate acted for
            }
            for e in rows
        ]


def _scenarios(example: Path) -> list[tuple[type[Scenario], Path]]:
    """The scenarios an example folder replays: its ``scenario.yaml`` may name one to replay first."""
    marker = example / "scenario.yaml"
    if not marker.is_file():
        return [(Scenario, example)]
    spec = _load(marker) or {}
    after = spec.get("after")
    first = _scenarios((example / str(after)).resolve()) if after else []
    return [*first, (Merger2025, example)]


def run_demo(settings: Settings, example: Path, out: Console, *, with_prefect: bool = True) -> None:
    """Replay the scenario into a fresh database under the data directory.

    With Prefect (the default) it starts a local Prefect server and a runner serving the deployments,
    and each stage moves on as a real flow run; the data and the Prefect history stay in the data
    directory. Without, the stages run inline.
    """
    started = time.perf_counter()
    db_path = settings.data_dir / "thidua.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    settings = settings.model_copy(update={"database_url": settings.database_url or f"sqlite:///{db_path}"})
    local = local_host(settings.verify_url)
    if local is not None:
        settings = settings.model_copy(update={"verify_url_local": True})
        out.print(
            f"Mã QR trên bằng của bản chạy thử trỏ tới ứng dụng web trên máy này ({local}): "
            "khi triển khai thật, đặt THIDUA_VERIFY_URL là địa chỉ công khai của trang xác thực."
        )
    settings = _ballot_secret(settings, out)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    tokens = demo_tokens(settings.data_dir, [folder for _s, folder in _scenarios(example)])
    if tokens is None:
        out.print(
            "Chưa cài softhsm2 (apt-get install softhsm2): các quyết định của bản chạy thử không mang chữ ký "
            "số của người ký."
        )
    elif settings.trust_roots_path is None:
        settings = settings.model_copy(update={"trust_roots_path": tokens.ca_pem})
    clock = FixedClock(date(2019, 12, 2))
    ctx = bootstrap(settings, clock=clock, dispatcher=run_inline)
    try:
        if with_prefect:
            runs = _with_prefect(ctx, clock, example, out, tokens)
        else:
            for scenario, folder in _scenarios(example):
                scenario(ctx, clock, folder, out.print, tokens).run()
            runs = None
        _summary(ctx, out)
        _year_summary(ctx, out)  # issue 20a
        _export(ctx, out)
        year_end(ctx, clock, example, out)  # issue 20b: the Ministry's forms and the reward fund
        dashboard.refresh(ctx)  # the Ban's dashboard as the sweep of the demo's last day leaves it
        if tokens is not None:
            _signatures(ctx, out, tokens)
        _passwords(ctx)
    finally:
        ctx.close()
    elapsed = time.perf_counter() - started
    flow_runs = f"; {runs} flow run Prefect" if runs is not None else ""
    out.print(
        f"Thời gian chạy: {elapsed:.1f} s{flow_runs}. Dữ liệu và lịch sử Prefect ở {settings.data_dir}."
    )
    out.print(
        "Giao diện web và Prefect (mở trình duyệt ở http://127.0.0.1:8000/, Prefect ở http://127.0.0.1:4200):"
    )
    local_flag = " THIDUA_VERIFY_URL_LOCAL=true" if local is not None else ""
    merger = _scenarios(example)[-1][0] is Merger2025
    as_of, people = (WEB_AS_OF_2025, DEMO_PEOPLE_2025) if merger else (WEB_AS_OF, DEMO_PEOPLE)
    ballot_flag = (
        f" THIDUA_BALLOT_SECRET_PATH={settings.ballot_secret_path}"
        if settings.ballot_secret_path is not None and settings.ballot_secret is None
        else ""
    )
    token_flags = (
        f" SOFTHSM2_CONF={tokens.softhsm_conf} THIDUA_TRUST_ROOTS_PATH={tokens.ca_pem}" if tokens else ""
    )
    out.print(
        f"  THIDUA_DATA_DIR={settings.data_dir} THIDUA_AS_OF={as_of}{local_flag}{ballot_flag}{token_flags}"
        " .venv/bin/thidua serve"
    )
    if tokens is not None:
        today = {p["username"] for p in _load(_scenarios(example)[-1][1] / "org.yaml")["people"]}
        signing = [u for u in tokens.tokens if u in today]  # the signers of the web app's date
        out.print(
            f"Người ký ({', '.join(signing)}) nhập mã PIN '{tokens.pin}' của thiết bị ký số khi ký trên web."
        )
    out.print(
        f"Đăng nhập bằng mật khẩu demo '{DEMO_PASSWORD}' với: "
        + "; ".join(f"{who} ({role})" for who, role in people)
        + f" — mọi người trong {example / 'org.yaml'} đều dùng được mật khẩu này."
    )
    if not merger:
        out.print(
            f"Hôm nay của giao diện là {WEB_AS_OF:%d/%m/%Y} (THIDUA_AS_OF): các đơn vị nộp hồ sơ năm 2020, "
            "khối bình xét, Ban thẩm định, Hội đồng họp, lãnh đạo ký — tất cả trên trình duyệt."
        )


def _ballot_secret(settings: Settings, out: Console) -> Settings:
    """The council's ballot secret: the one configured, else one made for the demo in a folder of its own
    beside the data directory (never inside it: a copy of the data must not carry the key)."""
    if settings.ballot_secret or settings.ballot_secret_path or settings.ballot_secret_block:
        return settings
    path = settings.data_dir.with_name(f"{settings.data_dir.name}-ballot") / "ballot.key"
    local_secret(path)
    out.print(
        f"Khóa bí mật niêm phong phiếu kín của Hội đồng (bản chạy thử): {path}, ngoài thư mục dữ liệu "
        f"{settings.data_dir}. Khi triển khai thật, đặt THIDUA_BALLOT_SECRET (hoặc THIDUA_BALLOT_SECRET_PATH) "
        "và cất khóa riêng, không cùng bản sao cơ sở dữ liệu (docs/security.md)."
    )
    return settings.model_copy(update={"ballot_secret_path": path})


def _with_prefect(
    ctx: Context, clock: FixedClock, example: Path, out: Console, tokens: DemoTokens | None = None
) -> int:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.dispatch import deliver_deployments
    from flows.local_server import prefect_server, runner

    home = ctx.settings.data_dir / "prefect"
    out.print("Khởi động Prefect server và runner (các deployment của thidua) …")
    with prefect_server(home) as api_url:
        flow_env = {
            "THIDUA_DATA_DIR": str(ctx.settings.data_dir),
            "THIDUA_DATABASE_URL": ctx.settings.effective_database_url,
            "THIDUA_DISPATCH": "inline",
        }
        with runner(api_url, home, flow_env), temporary_settings(updates={PREFECT_API_URL: api_url}):
            out.print(f"Prefect API: {api_url}")

            def patient(ctx: Context, wakeup_ids: list[int]) -> None:
                """Each stage is waited for. A Prefect server still busy after its client's own retries
                (HTTP 503 on a loaded machine) gets a few more tries, as the sweep would give it."""
                for pause in RETRY_PAUSES:
                    problems = deliver_deployments(ctx, wakeup_ids, wait=True)
                    if not problems:
                        return
                    out.print(f"    (Prefect chưa chạy xong: {problems[0]}; thử lại sau {pause} s)")
                    time.sleep(pause)
                problems = deliver_deployments(ctx, wakeup_ids, wait=True)
                if problems:
                    raise RuntimeError(f"flow run failed: {'; '.join(problems)}")

            ctx.dispatcher = patient
            before = count_flow_runs()
            for scenario, folder in _scenarios(example):
                scenario(ctx, clock, folder, out.print, tokens).run()
            return count_flow_runs() - before


def count_flow_runs() -> int:
    """Flow runs that ran (not the sweep's future scheduled ones)."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.objects import StateType

    ran = FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(not_any_=[StateType.SCHEDULED])))

    async def count() -> int:
        async with get_client() as client:
            return int(await client.count_flow_runs(flow_run_filter=ran))

    return asyncio.run(count())


# The web app replays the end of 2020: the next year-end round is for a person to take through.
WEB_AS_OF = date(2020, 12, 7)
WEB_AS_OF_2025 = date(2025, 12, 19)  # after the merger: the former Chairman (ct.ubnd) sees no work
DEMO_PEOPLE_2025 = [
    ("ct.ubnd.qt", "Chủ tịch UBND tỉnh Quảng Trị"),
    ("tb.tdkt.qt", "Thường trực Hội đồng tỉnh Quảng Trị"),
    ("ct.ubnd", "nguyên Chủ tịch UBND tỉnh Quảng Bình"),
    ("vt.ubnd.qt", "văn thư"),
]
RETRY_PAUSES = (2, 5, 15)  # seconds before each further try of a stage Prefect could not take
DEMO_PASSWORD = "thidua-demo-2020"
DEMO_PEOPLE = [
    ("mu.canbo", "cán bộ thi đua Hội Người mù"),
    ("htx.chutich", "trưởng khối năm 2020"),
    ("mu.chutich", "đại diện đơn vị thành viên"),
    ("cv.tdkt1", "chuyên viên thẩm định"),
    ("tb.tdkt", "Thường trực Hội đồng"),
    ("gd.snv", "thành viên Hội đồng"),
    ("pct.ubnd", "Phó Chủ tịch UBND tỉnh"),
    ("vt.ubnd", "văn thư"),
]


def _passwords(ctx: Context) -> None:
    """Everyone in the organisation may sign in to the demo with one printed password."""
    from sqlalchemy import select

    from thidua_workflow.db import models as m
    from thidua_workflow.services import accounts

    with ctx.reader() as uow:
        people = list(uow.session.scalars(select(m.Person.username).where(m.Person.active.is_(True))))
    for username in people:
        accounts.set_password(ctx, username, DEMO_PASSWORD)


def _export(ctx: Context, out: Console) -> None:
    """The registrar's files: every issued decision's certificates, decision PDF, batch and flag proofs;
    then every document of the round (minutes, Tờ trình, notices, decisions), .docx and PDF."""
    from thidua_workflow.services import certificates, paperwork

    folder = ctx.settings.data_dir / "in"
    count = 0
    for d in decisions.list_decisions(ctx):
        if d.status == "issued" and d.number_text:
            count += len(certificates.export(ctx, d.id, folder / search_key(d.number_text).replace("/", "-")))
    out.print(f"{count} tệp PDF để in (bằng, quyết định, in hàng loạt, mẫu cờ) ở {folder}.")
    papers = paperwork.export_all(ctx, folder / "van-ban")
    out.print(
        f"{len(papers)} văn bản (biên bản, tờ trình, thông báo, quyết định; .docx và PDF) ở {folder / 'van-ban'}."
    )


def _signatures(ctx: Context, out: Console, tokens: DemoTokens) -> None:
    """Each issued decision's file checked with pyHanko's validator against the demo's CA."""
    from thidua_workflow.certificates.validation import read_signatures
    from thidua_workflow.services import certificates

    roots = certificates.trust_roots(ctx)
    checked: list[tuple[str, bool, str]] = []
    for d in decisions.list_decisions(ctx):
        if d.status != "issued":
            continue
        for item in certificates.issued_files(ctx, d.id):
            if item.kind == "decision":
                data, _file = certificates.issued_file(ctx, d.id, item.sha256)
                reports = read_signatures(data, roots)
                good = bool(reports) and all(r.ok and r.trusted for r in reports)
                checked.append((d.number_text or str(d.id), good, reports[0].signer if reports else "—"))
    valid = sum(1 for _n, good, _s in checked if good)
    out.print(
        f"Chữ ký số trên quyết định (thiết bị SoftHSM2 ở {tokens.softhsm_conf.parent}): {valid}/{len(checked)} "
        "hợp lệ theo pyHanko (nguyên vẹn, chứng thư do CA thử nghiệm cấp): "
        + "; ".join(f"{n} — {signer}{'' if good else ' (KHÔNG hợp lệ)'}" for n, good, signer in checked)
    )


def _year_summary(ctx: Context, out: Console) -> None:
    """Issue 20a: the movements on record, each with its awardees, and form 0601 of the years they fall in."""
    rows = movements.list_movements(ctx)
    if not rows:
        return
    for row in rows:
        found = movements.movement_results(ctx, row["code"])
        out.print(
            f"Phong trào '{row['name']}' ({row['method_label'].lower()}): {len(found)} người, tập thể được khen thưởng."
        )
    # Each province reports its own movements (after the 2025 merger the old province's stay its own).
    for province, name in sorted({(r["province_id"], r["province_name"]) for r in rows}):
        years = {r["launched_on"].year for r in rows if r["province_id"] == province}
        for year in sorted(years | {r["ends_on"].year for r in rows if r["province_id"] == province}):
            table = movements.form_0601(ctx, province, year)
            cells = ", ".join(
                f"{code}: {table[code]['1']}" for code in ("01", "03", "04", "06", "07", "11", "12")
            )
            out.print(
                f"Biểu 0601.N/BNV-TĐKT tỉnh {name} năm {year} (01/12/{year - 1}–30/11/{year}), cột 1 — {cells}."
            )


def _summary(ctx: Context, out: Console) -> None:
    table = Table(
        "Số", "Quyết định", "Ngày", "Hình thức", "Người ký", "Danh sách", title="Quyết định đã ban hành"
    )
    for d in decisions.list_decisions(ctx):
        if d.status != "issued":
            continue
        assert d.decision_date is not None
        names = "; ".join(f"{i['ordinal']}. {i['name']}" for i in d.items)
        title = (
            f"KT. CHỦ TỊCH – PHÓ CHỦ TỊCH {d.signer}"
            if d.signer_title == "PHÓ CHỦ TỊCH"
            else f"CHỦ TỊCH {d.signer}"
        )
        table.add_row(
            str(d.id), d.number_text or "", f"{d.decision_date:%d/%m/%Y}", d.award_name, title, names
        )
    out.print(table)
    rows = queries.list_nominations(ctx)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status_label] = counts.get(r.status_label, 0) + 1
    summary = ", ".join(f"{label}: {n}" for label, n in sorted(counts.items()))
    decided = sum(1 for r in rows if r.status in (NominationStatus.DECIDED, NominationStatus.CERTIFIED))
    certified = sum(1 for r in rows if r.status == NominationStatus.CERTIFIED)
    out.print(f"{len(rows)} hồ sơ — {summary}. Đã khen thưởng: {decided}, đã cấp bằng: {certified}.")


# --- issue 20b: the year's statistics and the reward fund ----------------------------------------------


def year_end(ctx: Context, clock: FixedClock, example: Path, out: Console) -> None:
    """The Ban closes the reporting year: enters what the forms need that no record gives, keeps the
    fund (income, a payment to every awardee of the year's decisions, the organising spend), exports
    the Ministry's forms (.xlsx and PDF) and prints the fund's balance."""
    from thidua_workflow.services import fund, statistics

    spec_path = example / "year-end-2020" / "statistics.yaml"
    if not spec_path.is_file():
        return
    spec = _load(spec_path)
    year, user = int(spec["year"]), str(spec["by"])
    clock.set(spec["dated"])
    out.print(
        f"[{clock.today():%d/%m/%Y}] Ban Thi đua – Khen thưởng khép lại năm báo cáo {year}: quỹ và biểu thống kê"
    )
    for key, figures in (spec.get("figures") or {}).items():
        statistics.enter_figures(ctx, user, year, str(key), figures, expected_version=None)
    money = spec["fund"]
    for line in money.get("income", []):
        fund.record_income(
            ctx,
            user,
            year=line["year"],
            source=line["source"],
            amount=line["amount"],
            voucher=fund.Voucher(line["voucher"], line["voucher_date"]),
            note=line.get("note"),
        )
    paying = money["payments"]
    by_decision: dict[int, int] = {}
    for award in fund.awards_money(ctx, user, year):
        number = by_decision.setdefault(award.decision_id, len(by_decision) + 1)
        fund.record_payment(
            ctx,
            user,
            item_id=award.item_id,
            amount=award.outstanding,
            source=paying["source"],
            voucher=fund.Voucher(f"{paying['voucher_prefix']}{number:02d}", paying["voucher_date"]),
        )
    for line in money.get("organising", []):
        fund.record_organising(
            ctx,
            user,
            source=line["source"],
            amount=line["amount"],
            voucher=fund.Voucher(line["voucher"], line["voucher_date"]),
            note=line["note"],
        )
    folder = ctx.settings.data_dir / "bao-cao-thong-ke"
    folder.mkdir(parents=True, exist_ok=True)
    period, forms = statistics.list_forms(year)
    for key, _form in forms:
        for fmt in ("xlsx", "pdf"):
            name, data, _media = statistics.export_form(ctx, user, year, key, fmt)
            (folder / name).write_bytes(data)
        report = statistics.build_form(ctx, user, year, key)
        source = (
            statistics.origin_text(report.spec.kind)
            if report.origin in (statistics.DERIVED, statistics.MIXED) or report.entered_version is not None
            else "chưa có số liệu nhập"
        )
        out.print(
            f"    Biểu {report.spec.code}: tổng số {report.figures[report.spec.data_rows[0].code or ''][report.spec.columns[0].key]} ({source})"
        )
    out.print(f"    {len(forms) * 2} tệp biểu mẫu ({period.circular}; .xlsx và PDF) ở {folder}.")
    table = Table(
        "Năm",
        "Nguồn",
        "Đầu năm",
        "Nguồn quỹ",
        "Trích chi tổ chức",
        "Đã chi thưởng",
        "Đã chi tổ chức",
        "Còn cho tiền thưởng",
        "Còn cho tổ chức",
        "Số dư",
        title=f"Quỹ thi đua, khen thưởng năm {year}",
    )
    for b in fund.balances(ctx, user, year):
        table.add_row(
            str(b.year),
            b.source_label,
            *(
                money_vnd(v)
                for v in (
                    b.opening,
                    b.income,
                    b.organising_share,
                    b.paid,
                    b.organising_spent,
                    b.for_awards,
                    b.for_organising,
                    b.total,
                )
            ),
        )
    out.print(table)
