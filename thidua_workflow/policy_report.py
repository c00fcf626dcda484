"""The policy as a person reads it: every figure per period, with its source and whether it is confirmed."""

from __future__ import annotations

from datetime import date

from thidua_workflow.domain.policy import Policy

STATUS_LABEL = {
    "confirmed": "đã đối chiếu",
    "policy_default": "mặc định, tỉnh sửa được",
    "historical_not_confirmed": "trước 2024, chưa đối chiếu",
    "not_confirmed": "chưa đối chiếu",
}


def render_policy(policy: Policy, today: date | None = None) -> str:
    """The whole policy; with ``today``, the warnings of periods that lapse soon or have lapsed first."""
    lines = [f"CẢNH BÁO: {w}" for w in policy.lapse_warnings(today)] if today else []
    lines.append(f"Chính sách tỉnh {policy.province_name} ({policy.province}), bản {policy.digest}")
    lines.append("Mức lương cơ sở:")
    for salary in policy.base_salary:
        lines.append(
            f"  từ {salary.effective_from:%d/%m/%Y}: {salary.amount:,} đ — {salary.source}".replace(",", ".")
        )
    for p in policy.periods:
        start = f"{p.applies_from:%d/%m/%Y}" if p.applies_from else "…"
        end = f"{p.applies_until:%d/%m/%Y}" if p.applies_until else "nay"
        lines.append("")
        lines.append(f"[{p.code}] {p.title} — {start} đến {end} ({STATUS_LABEL[p.status]})")
        for code, a in p.award_forms.items():
            vote = (
                f"bỏ phiếu {a.council_vote.describe()} tổng số thành viên — {a.council_vote.source} "
                f"({STATUS_LABEL[a.council_vote.status]})"
                if a.council_vote
                else "không cần Hội đồng bỏ phiếu (theo đề xuất thẩm định)"
            )
            rewards = ", ".join(f"{k.label.lower()} {v}×" for k, v in a.reward_multiple.items())
            lines.append(f"  {code}: {a.name} [{a.article}]")
            lines.append(f"    {vote}")
            lines.append(
                f"    tiền thưởng: {rewards} — {a.reward_source.source} ({STATUS_LABEL[a.reward_source.status]})"
            )
        c = p.council
        lines.append(
            f"  Hội đồng: túc số {float(c.quorum):.0%}, tham gia {float(c.participation_award_sessions):.0%} "
            f"— {c.source} ({STATUS_LABEL[c.status]})"
        )
        b = p.bloc
        lines.append(
            f"  Khối: {b.flags_per_bloc} Cờ/khối/năm, "
            + "".join(f"{form} ≤ {float(share):.0%} số thành viên, " for form, share in b.quota_share.items())
            + f"đề nghị khi {b.endorsement.describe()} thành viên — {b.source} ({STATUS_LABEL[b.status]})"
        )
        d = p.deadlines
        lines.append(
            f"  Thời hạn: hồ sơ cuối năm trước {d.year_end_submission[3:]}/{d.year_end_submission[:2]}, "
            f"trả hồ sơ không đạt trong {d.return_ineligible_working_days} ngày làm việc, báo cáo thành tích "
            f"≤ {d.report_max_age_months} tháng — {d.source} ({STATUS_LABEL[d.status]})"
        )
        if p.lapse is not None:
            successor = p.successor or "chưa khai báo"
            lines.append(
                f"  Hết hiệu lực: {p.lapses_on():%d/%m/%Y} ({p.lapse.text}, {p.lapse.article}); "
                f"giai đoạn kế tiếp: {successor} ({STATUS_LABEL[p.lapse.status]})"
            )
        for name, r in p.rules.items():
            params = ", ".join(f"{k}={v}" for k, v in r.params.items())
            kind = " [cần thẩm định]" if r.judgement else ""
            lines.append(f"  quy tắc {name}{kind}: {r.article}; {params or '—'} ({STATUS_LABEL[r.status]})")
    return "\n".join(lines)
