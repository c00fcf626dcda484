"""The Quảng Bình scenario, replayed through the services with the clock set to each step's date.

Khối thi đua các hội đặc thù reviews 2019; the council meets in January 2020; the Chairman and a Vice
Chairman sign; the registrar numbers the decisions; in May 2020 an ad-hoc award follows the simplified
procedure. Every person is played through the same service calls the CLI makes. Until the Prefect flows
carry work between stages (next issue), the demo also plays the part of moving on.
"""

from __future__ import annotations

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
from thidua_workflow.certificates.tokens import TokenConfig
from thidua_workflow.certificates.verification import local_host
from thidua_workflow.clock import FixedClock
from thidua_workflow.domain.enums import Choice, NominationStatus
from thidua_workflow.domain.text import search_key
from thidua_workflow.services import council, decisions, directory, nominations, org, queries, rounds, tasks
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
# The decision signers sign with their own key, kept in a SoftHSM2 token when softhsm2 is installed.
TOKEN_SIGNERS = ("ct.ubnd", "pct.ubnd")
DEMO_PIN = "123456"


@dataclass(frozen=True)
class DemoTokens:
    """Each signer's token (SoftHSM2, under the data directory), the demo's PIN, and the test CA."""

    tokens: dict[str, TokenConfig]
    pin: str
    ca_pem: Path
    softhsm_conf: Path


def demo_tokens(data_dir: Path, example: Path) -> DemoTokens | None:
    """A new test CA and one SoftHSM2 token per signer, or None when softhsm2 is not installed."""
    from thidua_workflow.certificates.demo_ca import new_ca
    from thidua_workflow.certificates.tokens import create_soft_token, softhsm_module

    if softhsm_module() is None:
        return None
    directory = data_dir / "softhsm"
    shutil.rmtree(directory, ignore_errors=True)  # a fresh token directory per run, like the database
    names = {p["username"]: p["full_name"] for p in _load(example / "org.yaml")["people"]}
    ca = new_ca()
    ca_pem = data_dir / "demo-ca.pem"
    ca_pem.write_bytes(ca.cert_pem)
    tokens: dict[str, TokenConfig] = {}
    conf = directory / "softhsm2.conf"
    for username in TOKEN_SIGNERS:
        issued = ca.issue(names[username], organization="UBND tỉnh Quảng Bình (bản chạy thử)")
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
        result = tasks.act(self.ctx, user, self.task(user, kind, **match), decision, payload)
        self.say(f"    {self.name(user)}: {result.summary}")
        return result.summary

    def run(self) -> None:
        ctx = self.ctx
        self.on(date(2019, 12, 2), "Nạp tổ chức tỉnh Quảng Bình")
        org.load_organisation(ctx, _load(self.example / "org.yaml"), source="org.yaml")
        if self.tokens is not None:
            for username, token in self.tokens.tokens.items():
                set_signer(
                    ctx,
                    username,
                    SignerIn(
                        kind="pkcs11",
                        pkcs11_module=token.module,
                        token_label=token.token_label,
                        key_label=token.key_label,
                    ),
                )
            self.say(
                f"    {', '.join(self.name(u) for u in self.tokens.tokens)} ký số bằng thiết bị của mình "
                "(SoftHSM2, chứng thư do CA thử nghiệm cấp)"
            )
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

        self.on(date(2020, 5, 15), "Hội LHTN đề nghị khen thưởng đột xuất (thủ tục đơn giản)")
        ad_hoc = nominations.submit(
            ctx, "lhtn.canbo", _load(self.folder / "hoi-lhtn-2020-dot-xuat.yaml"), self.source
        )
        self.on(date(2020, 5, 19), "Thẩm định hồ sơ đột xuất; phiên họp thứ ba; ký, vào sổ")
        self.act("cv.tdkt2", "appraise", "pass", nomination_id=ad_hoc.nomination_ids[0])
        self._council_round(signer="pct.ubnd", number=number + 2, proposal="41/TTr-SNV")

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
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    tokens = demo_tokens(settings.data_dir, example)
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
            Scenario(ctx, clock, example, out.print, tokens).run()
            runs = None
        _summary(ctx, out)
        _export(ctx, out)
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
    token_flags = (
        f" SOFTHSM2_CONF={tokens.softhsm_conf} THIDUA_TRUST_ROOTS_PATH={tokens.ca_pem}" if tokens else ""
    )
    out.print(
        f"  THIDUA_DATA_DIR={settings.data_dir} THIDUA_AS_OF={WEB_AS_OF}{local_flag}{token_flags}"
        " .venv/bin/thidua serve"
    )
    if tokens is not None:
        out.print(
            f"Người ký ({', '.join(tokens.tokens)}) nhập mã PIN '{tokens.pin}' của thiết bị ký số khi ký trên web."
        )
    out.print(
        f"Đăng nhập bằng mật khẩu demo '{DEMO_PASSWORD}' với: "
        + "; ".join(f"{who} ({role})" for who, role in DEMO_PEOPLE)
        + " — mọi người trong examples/quang-binh/org.yaml đều dùng được mật khẩu này."
    )
    out.print(
        f"Hôm nay của giao diện là {WEB_AS_OF:%d/%m/%Y} (THIDUA_AS_OF): các đơn vị nộp hồ sơ năm 2020, "
        "khối bình xét, Ban thẩm định, Hội đồng họp, lãnh đạo ký — tất cả trên trình duyệt."
    )


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
            Scenario(ctx, clock, example, out.print, tokens).run()
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
    """The registrar's files: every issued decision's certificates, decision PDF, batch and flag proofs."""
    from thidua_workflow.services import certificates

    folder = ctx.settings.data_dir / "in"
    count = 0
    for d in decisions.list_decisions(ctx):
        if d.status == "issued" and d.number_text:
            count += len(certificates.export(ctx, d.id, folder / search_key(d.number_text).replace("/", "-")))
    out.print(f"{count} tệp PDF để in (bằng, quyết định, in hàng loạt, mẫu cờ) ở {folder}.")


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
