"""The names people read for what the code calls by a code: the rules that judge a nomination and the
fields of a submission. Codes stay in ``--json`` and the API; messages, pages and e-mails use these."""

from __future__ import annotations

import re

from thidua_workflow.domain.enums import DisciplineLevel

# Every rule a Problem or a Check may name (rules.py's eligibility rules and the submission's own checks).
RULE_NAMES = {
    "bang_khen_ca_nhan": "Tiêu chuẩn Bằng khen cho cá nhân",
    "bang_khen_tap_the": "Tiêu chuẩn Bằng khen cho tập thể",
    "chien_si_thi_dua_tinh": "Tiêu chuẩn Chiến sĩ thi đua cấp tỉnh",
    "tap_the_lao_dong_xuat_sac": "Tiêu chuẩn Tập thể lao động xuất sắc",
    "co_thi_dua_khoi": "Tiêu chuẩn Cờ thi đua (dẫn đầu khối)",
    "bao_cao_thanh_tich_moi": "Báo cáo thành tích còn hiệu lực",
    "khong_khen_don_vi_giai_the": "Không khen đơn vị đã giải thể",
    "doi_tuong_khen_thuong": "Đối tượng được khen thưởng",
    "don_vi": "Đơn vị",
    "khoi_thi_dua": "Khối thi đua",
    "ky_thi_dua": "Kỳ thi đua",
    "loai_khen_thuong": "Loại khen thưởng",
    "tep_minh_chung": "Tệp minh chứng",
    "thanh_phan_ho_so": "Thành phần hồ sơ",
    "thuoc_don_vi_trinh": "Đối tượng thuộc đơn vị trình",
    "to_trinh": "Tờ trình",
    "trung_lap": "Không đề nghị trùng",
    "vong_binh_xet": "Vòng bình xét của khối",
    # issue 18
    "bang_khen_thanh_tich_xuat_sac": "Bằng khen: thành tích xuất sắc trong phong trào thi đua",
    "bang_khen_ho_gia_dinh": "Tiêu chuẩn Bằng khen cho hộ gia đình",
    "co_thi_dua_tieu_chuan": "Tiêu chuẩn Cờ thi đua (thành tích, mô hình mới, nội bộ)",
    "hieu_luc_giai_doan": "Hiệu lực của quy định áp dụng",
    "thai_san_tinh_thoi_gian": "Thời gian nghỉ thai sản được tính",
    "uu_tien_nu": "Ưu tiên nữ khi cùng đủ điều kiện",
    "nu_lanh_dao_giam_thoi_gian": "Nữ lãnh đạo: giảm 1/3 thời gian xét cống hiến",
    # issue 20a
    "dang_ky_thi_dua": "Đăng ký thi đua",
    "han_dang_ky": "Hạn đăng ký thi đua",
}

# A submission's field paths (without "nominations[N]."), as the form and the template name them.
FIELD_LABELS = {
    "unit": "Đơn vị trình",
    "documents": "Tờ trình / biên bản",
    "nominations": "Danh sách đề nghị",
    "nominee": "Đối tượng đề nghị",
    "nominee.kind": "Loại đối tượng",
    "nominee.name": "Họ tên / tên tập thể",
    "nominee.position": "Chức vụ",
    "nominee.unit": "Đơn vị của người được đề nghị",
    "nominee.address": "Địa chỉ",
    "nominee.birth_date": "Ngày sinh",
    "award_form": "Hình thức khen thưởng",
    "commendation_type": "Loại khen thưởng",
    "period": "Năm thành tích",
    "period.year": "Năm thành tích",
    "period.phase": "Giai đoạn",
    "period.campaign": "Tên đợt / chuyên đề",
    "period.event_date": "Ngày lập thành tích",
    "achievement": "Thành tích",
    "movement": "Phong trào thi đua",
    "evidence": "Tệp báo cáo thành tích",
    "declared": "Thành tích đã đạt",
    "declared.titles": "Danh hiệu đã đạt",
    "declared.initiatives": "Sáng kiến",
    "declared.titles.title": "Danh hiệu đã đạt",
    "declared.titles.year": "Năm đạt danh hiệu",
    "declared.titles.decision": "Quyết định công nhận danh hiệu",
    "declared.initiatives.name": "Sáng kiến / đề tài",
    "declared.initiatives.year": "Năm công nhận sáng kiến",
    "declared.initiatives.scope": "Cấp công nhận sáng kiến",
    "declared.members": "Số liệu thành viên của tập thể",
    # Each figure by the name the form gives it: a clerk who left two blank must learn which two.
    "declared.members.total": "Tổng số thành viên",
    "declared.members.completed_tasks": "Số thành viên hoàn thành nhiệm vụ",
    "declared.members.lao_dong_tien_tien": "Số thành viên đạt Lao động tiên tiến",
    "declared.members.chien_si_thi_dua_co_so": "Số thành viên đạt Chiến sĩ thi đua cơ sở",
    "declared.members.disciplined": "Số thành viên bị kỷ luật",
    "declared.members.discipline": "Số thành viên bị kỷ luật",
    **{
        f"declared.members.discipline.{level.value}": f"Số thành viên bị kỷ luật — {level.label}"
        for level in DisciplineLevel
    },
    "declared.members.women": "Số thành viên nữ",
    "documents.dated": "Ngày văn bản",
    "evidence.dated": "Ngày văn bản",
    "eligibility": "Điều kiện, tiêu chuẩn",
    # --- NĐ 152/2025 steps (issue 19) ---
    "act_number": "Số quyết định hủy bỏ",
    "act_date": "Ngày quyết định hủy bỏ",
    "ground": "Lý do, căn cứ hủy bỏ",
    "recovered_on": "Ngày thu hồi",
    "voucher": "Số phiếu thu",
    "answer": "Nội dung trả lời",
    "author_name": "Họ tên người gửi",
    "contact": "Địa chỉ, điện thoại liên hệ",
    "body": "Nội dung ý kiến",
    "nomination": "Người/tập thể được đề nghị",
    "title": "Tiêu đề danh sách",
    "letter_ref": "Số công văn",
    "reply_ref": "Số văn bản trả lời",
    "reply_on": "Ngày văn bản trả lời",
    "reply_text": "Nội dung trả lời của cơ quan",
    "document": "Bản quét văn bản",
    "sent_on": "Ngày gửi",
    "decision_ref": "Số quyết định khen thưởng cấp Nhà nước",
    "decided_on": "Ngày quyết định",
    "note": "Ghi chú",
    # A bloc's pledge (giao ước thi đua) and the year of a bloc's or movement's paper
    "bloc": "Khối thi đua",
    "year": "Năm",
    "criteria": "Bảng tiêu chí chấm điểm",
    "criteria.code": "Mã tiêu chí",
    "criteria.name": "Tên tiêu chí",
    "criteria.max": "Điểm chuẩn",
    # A bloc round's score sheet ("scores.<unit>.<criterion>"): the message names the unit and criterion.
    "scores": "Bảng điểm",
    # issue 22: a delegation's fields
    "from": "Người ủy quyền",
    "to": "Người được ủy quyền",
    "role": "Vai trò",
    "role_unit": "Đơn vị của vai trò",
    "reason": "Lý do",
    "starts_on": "Từ ngày",
    "ends_on": "Đến ngày",
    # the other fields a service names in a refusal (tests/unit/test_field_labels.py finds them all)
    "comment": "Ý kiến, lý do",
    "finding": "Kết quả thẩm định tiêu chuẩn",
    "rule": "Tiêu chuẩn",
    "proposal_ref": "Số tờ trình",
    "tie_reason": "Lý do chọn khi bằng điểm",
    "next_deputy": "Phó khối năm sau",
    "round": "Vòng bình xét",
    "code": "Mã phong trào",
    "launcher": "Đơn vị, khối phát động",
    "units": "Đơn vị tham gia",
    "name": "Họ tên / tên tập thể",
    "kind": "Loại",
    "voucher_file": "Tệp chứng từ",
    "token_label": "Nhãn thiết bị ký số",
    "slot": "Số khe của thiết bị ký số",
    "key_label": "Nhãn khóa ký",
    "remote_url": "Địa chỉ dịch vụ ký số từ xa",
    "remote_username": "Tài khoản ở dịch vụ ký số từ xa",
    "credential_id": "Mã chứng thư ở dịch vụ ký số từ xa",
    # a bloc's pledge (bản giao ước), checked field by field
    "max": "Điểm chuẩn (điểm tối đa)",
}
_ENTRY = re.compile(r"^nominations\[\d+\]\.?")
# Both "titles[0]" (our own paths) and "titles.0" (pydantic's) name a row of a list.
_INDEX = re.compile(r"\[\d+\]|\.\d+(?=\.|$)")


def rule_name(code: str) -> str:
    """A rule as people call it ("Tệp minh chứng"); an unknown code is shown as it is."""
    return RULE_NAMES.get(code, code)


def field_label(path: str) -> str:
    """A field path ("nominations[2].nominee.position") as the person knows the field ("Chức vụ").

    The entry is named apart (mục 2); the longest known start of the path wins.
    """
    key = _INDEX.sub("", _ENTRY.sub("", path))
    while key:
        if key in FIELD_LABELS:
            return FIELD_LABELS[key]
        key = key.rpartition(".")[0]
    return FIELD_LABELS["nominations"] if path.startswith("nominations") else path


# Recorded actions that are not arrows of the nomination lifecycle (those carry their own labels).
ACTION_LABELS = {
    "submission": "Nộp tờ trình",
    "record_finding": "Ghi kết quả thẩm định tiêu chuẩn",
    "release": "Tiếp tục xét (hết tạm dừng)",
    "certificate_revoke": "Thu hồi bằng",
    "certificates_issue": "In bằng",
    "api_token_issued": "Cấp mã truy cập API",
    "api_token_revoked": "Thu hồi mã truy cập API",
    "council_ballot": "Bỏ phiếu kín của thành viên Hội đồng",
    "council_written_ballot": "Nhập phiếu bằng văn bản",
    "decision_issue": "Ban hành quyết định",
    "decision_send_back": "Trả lại dự thảo quyết định",
    "decision_sign": "Ký quyết định",
    "handover": "Chuyển giao cho cơ quan có thẩm quyền mới (sắp xếp tổ chức)",
    "org_load": "Nạp tổ chức",
    "password_set": "Đặt mật khẩu",
    "password_reset_issued": "Cấp mã đặt lại mật khẩu",
    "password_reset_used": "Đặt lại mật khẩu bằng mã",
    "sessions_ended": "Kết thúc các phiên đăng nhập",
    "round_close": "Kết thúc vòng bình xét",
    "round_create": "Mở vòng bình xét",
    "round_open_voting": "Mở chấm điểm, bỏ phiếu",
    "round_scores": "Chấm điểm thi đua",
    "round_votes": "Bỏ phiếu bình xét",
    "session_attendance": "Điểm danh phiên họp",
    "session_close": "Kết thúc phiên họp",
    "session_open": "Mở phiên họp Hội đồng",
    # --- NĐ 152/2025 steps (issue 19) ---
    "public_posting": "Công khai danh sách trước khi họp Hội đồng",
    "posting_publish": "Công khai danh sách đề nghị khen thưởng",
    "posting_comment": "Nhận ý kiến, khiếu nại về danh sách công khai",
    "posting_answer": "Trả lời ý kiến về danh sách công khai",
    "clearance_request": "Xin ý kiến cơ quan có liên quan",
    "clearance_reply": "Ghi nhận ý kiến của cơ quan có liên quan",
    "national_prepare": "Lập hồ sơ trình khen thưởng cấp Nhà nước",
    "national_send": "Gửi hồ sơ trình khen thưởng cấp Nhà nước",
    "decision_annul": "Hủy bỏ quyết định khen thưởng",
    "decision_annul_part": "Hủy bỏ khen thưởng một số trường hợp trong quyết định",
    "award_recovered": "Đã thu hồi hiện vật, tiền thưởng",
}
