"""Prefect artifacts operators read in the UI: a round's ranking and votes, a council's tally (counts
only), a decision's list. Built from what the services return; nothing here reads the database."""

from __future__ import annotations

from typing import Any

from thidua_workflow.domain.text import money_vnd


def intake_markdown(routed: dict[int, dict[str, int]], failed: dict[int, str]) -> str:
    lines = [
        f"# Tiếp nhận {len(routed) + len(failed)} tờ trình",
        "",
        "| Tờ trình số | Hồ sơ đã chuyển | Hồ sơ bị từ chối | Lỗi |",
        "|---:|---:|---:|---|",
    ]
    lines += [f"| {s} | {c['routed']} | {c['refused']} | |" for s, c in sorted(routed.items())]
    lines += [f"| {s} | | | {why.replace('|', '/')} |" for s, why in sorted(failed.items())]
    return "\n".join(lines)


def round_markdown(view: dict[str, Any]) -> str:
    result = view["result"]
    lines = [
        f"# Vòng bình xét số {view['id']}: {view['bloc_name']}, {view['period']}",
        "",
        f"Đơn vị dẫn đầu: **{result.get('leader') or '—'}**",
        "",
        "| Đơn vị | Điểm bình quân | Số bảng chấm |",
        "|---|---:|---:|",
    ]
    lines += [f"| {r['unit']} | {r['score']:g} | {r['sheets']} |" for r in result.get("unit_scores", [])]
    lines += ["", "| Hồ sơ | Đối tượng | Phiếu đồng ý | Hạng | Kết quả |", "|---:|---|---:|---:|---|"]
    names = {n["id"]: n["nominee"] for n in view["nominations"]}
    for o in result.get("outcomes", []):
        verdict = "đề nghị" if o["endorsed"] else f"không đề nghị — {o['reason']}"
        lines.append(
            f"| {o['nomination']} | {names.get(o['nomination'], '')} | {o['yes']}/{o['electorate']} | "
            f"{o['rank'] or ''} | {verdict} |"
        )
    return "\n".join(lines)


def session_markdown(view: dict[str, Any]) -> str:
    result = view["result"]
    lines = [
        f"# {view['title']}",
        "",
        f"Có mặt {result.get('present')}/{result.get('members_total')}; "
        f"bỏ phiếu (kể cả phiếu văn bản) {result.get('voted')}/{result.get('members_total')}.",
        "",
        "Phiếu kín: chỉ có số phiếu, không có ai bỏ phiếu thế nào.",
        "",
        "| Hồ sơ | Đối tượng | Hình thức | Đồng ý | Không đồng ý | Không biểu quyết | Kết quả |",
        "|---:|---|---|---:|---:|---:|---|",
    ]
    for item in view["items"]:
        if item.get("needs_vote"):
            counts = f"{item.get('yes')} | {item.get('no')} | {item.get('abstain')}"
        else:
            counts = "— | — | —"
        lines.append(
            f"| {item['nomination']} | {item['nominee']} | {item['award_form']} | {counts} | {item.get('outcome')} |"
        )
    return "\n".join(lines)


def decision_markdown(view: dict[str, Any]) -> str:
    lines = [
        f"# Quyết định số {view['number_text']} — {view['award_name']}",
        "",
        f"{view['issuing_body']}; {view['reason_line']}.",
        "",
        "| STT | Đối tượng | Chức vụ, đơn vị / địa chỉ | Tiền thưởng |",
        "|---:|---|---|---:|",
    ]
    lines += [
        f"| {i['ordinal']} | {i['name']} | {i['detail'] or ''} | {money_vnd(i['reward'])} |"
        for i in view["items"]
    ]
    lines.append(f"| | **Tổng cộng** | | **{money_vnd(view['total_reward'])}** |")
    return "\n".join(lines)
