"""The closed vocabularies of the domain, each value with the Vietnamese label people read."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum whose members carry the Vietnamese label shown to people."""

    label: str

    def __new__(cls, value: str, label: str = "") -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class NomineeKind(LabelledEnum):
    PERSON = ("person", "Cá nhân")
    COLLECTIVE = ("collective", "Tập thể")
    HOUSEHOLD = ("household", "Hộ gia đình")


class CommendationType(LabelledEnum):
    REGULAR = ("regular", "Thường xuyên (theo công trạng)")
    CAMPAIGN = ("campaign", "Theo đợt hoặc chuyên đề")
    AD_HOC = ("ad_hoc", "Đột xuất")
    LONG_SERVICE = ("long_service", "Cống hiến")


class Procedure(LabelledEnum):
    STANDARD = ("standard", "Thủ tục thông thường")
    SIMPLIFIED = ("simplified", "Thủ tục đơn giản")


class PeriodPhase(LabelledEnum):
    FULL_YEAR = ("full_year", "Tổng kết năm")
    FIRST_HALF = ("first_half", "Sơ kết 6 tháng đầu năm")
    CAMPAIGN = ("campaign", "Đợt/chuyên đề")
    EVENT = ("event", "Thành tích đột xuất")


class NominationStatus(LabelledEnum):
    DRAFT = ("draft", "Nháp")
    SUBMITTED = ("submitted", "Đã nộp")
    BLOC_REVIEW = ("bloc_review", "Khối thi đua đang xét")
    BLOC_ENDORSED = ("bloc_endorsed", "Khối đã đề nghị")
    APPRAISAL = ("appraisal", "Đang thẩm định")
    RETURNED = ("returned", "Bị trả lại")
    COUNCIL_VOTE = ("council_vote", "Chờ Hội đồng bỏ phiếu")
    COUNCIL_APPROVED = ("council_approved", "Hội đồng đã thông qua")
    IN_DECISION = ("in_decision", "Đang trình ký")
    DECIDED = ("decided", "Đã khen thưởng")
    CERTIFIED = ("certified", "Đã cấp bằng")
    WITHDRAWN = ("withdrawn", "Đơn vị đã rút")
    ON_HOLD = ("on_hold", "Tạm dừng xét")
    REJECTED = ("rejected", "Không được khen thưởng")
    # --- NĐ 152/2025 steps (issue 19) ---
    NATIONAL_PROPOSED = ("national_proposed", "Đã trình khen thưởng cấp Nhà nước")
    ANNULLED = ("annulled", "Quyết định khen thưởng đã bị hủy bỏ")


TERMINAL_STATUSES = frozenset(
    {
        NominationStatus.CERTIFIED,
        NominationStatus.WITHDRAWN,
        NominationStatus.REJECTED,
        NominationStatus.ANNULLED,
    }
)


class Role(LabelledEnum):
    UNIT_CLERK = ("unit_clerk", "Cán bộ thi đua của đơn vị")
    UNIT_HEAD = ("unit_head", "Thủ trưởng đơn vị")
    BLOC_REPRESENTATIVE = ("bloc_representative", "Đại diện đơn vị thành viên khối")
    APPRAISER = ("appraiser", "Chuyên viên Ban Thi đua – Khen thưởng")
    COUNCIL_MEMBER = ("council_member", "Thành viên Hội đồng Thi đua – Khen thưởng")
    COUNCIL_SECRETARY = ("council_secretary", "Thường trực Hội đồng")
    DECISION_SIGNER = ("decision_signer", "Người ký quyết định")
    REGISTRAR = ("registrar", "Văn thư / sổ vàng")
    OPERATOR = ("operator", "Quản trị hệ thống")
    SYSTEM = ("system", "Hệ thống")


# Roles whose grant names the unit the person acts for.
UNIT_SCOPED_ROLES = frozenset({Role.UNIT_CLERK, Role.UNIT_HEAD, Role.BLOC_REPRESENTATIVE})


class TaskKind(LabelledEnum):
    ROUND_OPEN = ("round_open", "Mở bỏ phiếu bình xét của khối")
    ROUND_VOTE = ("round_vote", "Chấm điểm, bỏ phiếu bình xét của khối")
    ROUND_CLOSE = ("round_close", "Kết thúc bình xét của khối")
    APPRAISE = ("appraise", "Thẩm định hồ sơ")
    COMPLETE_DOSSIER = ("complete_dossier", "Hoàn thiện hồ sơ bị trả lại")
    LATE_DOSSIER = ("late_dossier", "Xét hồ sơ hoàn thiện sau khi khối mở bỏ phiếu")
    SESSION_OPEN = ("session_open", "Triệu tập phiên họp Hội đồng")
    COUNCIL_VOTE = ("council_vote", "Bỏ phiếu kín tại phiên họp Hội đồng")
    SESSION_CLOSE = ("session_close", "Kết thúc phiên họp, kiểm phiếu")
    DECISION_SIGN = ("decision_sign", "Ký quyết định khen thưởng")
    DECISION_REGISTER = ("decision_register", "Vào sổ, cấp số quyết định")
    # --- NĐ 152/2025 steps (issue 19) ---
    CLEARANCE = ("clearance", "Ghi nhận ý kiến của cơ quan được xin ý kiến")
    POSTING_ANSWER = ("posting_answer", "Trả lời ý kiến, khiếu nại về danh sách công khai")
    RECOVER = ("recover", "Thu hồi hiện vật, tiền thưởng")


class TaskStatus(LabelledEnum):
    OPEN = ("open", "Chờ xử lý")
    DONE = ("done", "Đã xử lý")
    CANCELLED = ("cancelled", "Đã hủy")


class DocumentKind(LabelledEnum):
    TO_TRINH = ("to_trinh", "Tờ trình")
    BIEN_BAN = ("bien_ban", "Biên bản họp Hội đồng thi đua của đơn vị")
    BAO_CAO_THANH_TICH = ("bao_cao_thanh_tich", "Báo cáo thành tích")
    TOM_TAT_THANH_TICH = ("tom_tat_thanh_tich", "Tóm tắt thành tích")
    SANG_KIEN = ("sang_kien", "Sáng kiến / đề tài khoa học")
    KHAC = ("khac", "Tài liệu khác")


class Scope(LabelledEnum):
    """The reach of an initiative or scientific work."""

    UNIT = ("unit", "Cấp cơ sở")
    PROVINCE = ("province", "Cấp tỉnh")
    NATIONAL = ("national", "Toàn quốc")


class Title(LabelledEnum):
    """Titles and awards the rules count; lower-level ones are recorded, not decided, here."""

    LAO_DONG_TIEN_TIEN = ("lao_dong_tien_tien", "Lao động tiên tiến")
    HOAN_THANH_XUAT_SAC = ("hoan_thanh_xuat_sac", "Hoàn thành xuất sắc nhiệm vụ")
    CHIEN_SI_THI_DUA_CO_SO = ("chien_si_thi_dua_co_so", "Chiến sĩ thi đua cơ sở")
    CHIEN_SI_THI_DUA_TINH = ("chien_si_thi_dua_tinh", "Chiến sĩ thi đua cấp tỉnh")
    TAP_THE_LAO_DONG_TIEN_TIEN = ("tap_the_lao_dong_tien_tien", "Tập thể lao động tiên tiến")
    TAP_THE_LAO_DONG_XUAT_SAC = ("tap_the_lao_dong_xuat_sac", "Tập thể lao động xuất sắc")
    BANG_KHEN_TINH = ("bang_khen_tinh", "Bằng khen của Chủ tịch UBND tỉnh")
    CO_THI_DUA_TINH = ("co_thi_dua_tinh", "Cờ thi đua của UBND tỉnh")
    GIAY_KHEN = ("giay_khen", "Giấy khen")
    # --- national awards a province proposes (issue 19) ---
    CHIEN_SI_THI_DUA_TOAN_QUOC = ("chien_si_thi_dua_toan_quoc", "Chiến sĩ thi đua toàn quốc")
    BANG_KHEN_THU_TUONG = ("bang_khen_thu_tuong", "Bằng khen của Thủ tướng Chính phủ")
    CO_THI_DUA_CHINH_PHU = ("co_thi_dua_chinh_phu", "Cờ thi đua của Chính phủ")
    HUAN_CHUONG_LAO_DONG_HANG_BA = ("huan_chuong_lao_dong_hang_ba", "Huân chương Lao động hạng Ba")


class RoundStatus(LabelledEnum):
    COLLECTING = ("collecting", "Đang nhận hồ sơ")
    VOTING = ("voting", "Đang chấm điểm, bỏ phiếu")
    CLOSED = ("closed", "Đã kết thúc")


class SessionStatus(LabelledEnum):
    OPEN = ("open", "Đang họp")
    CLOSED = ("closed", "Đã kết thúc")


class DecisionStatus(LabelledEnum):
    DRAFT = ("draft", "Dự thảo, chờ ký")
    SIGNED = ("signed", "Đã ký, chờ vào sổ")
    ISSUED = ("issued", "Đã ban hành")
    SENT_BACK = ("sent_back", "Người ký trả lại")


class HoldGround(LabelledEnum):
    DISCIPLINE = ("discipline", "Đang xem xét kỷ luật")
    INVESTIGATION = ("investigation", "Đang bị điều tra")
    INSPECTION = ("inspection", "Đang thanh tra, kiểm tra")
    COMPLAINT = ("complaint", "Có đơn khiếu nại, tố cáo đang giải quyết")
    ADVERSE_OPINION = ("adverse_opinion", "Cơ quan được xin ý kiến không đồng ý (Điều 34 NĐ 152/2025)")


class Choice(LabelledEnum):
    YES = ("yes", "Đồng ý")
    NO = ("no", "Không đồng ý")
    ABSTAIN = ("abstain", "Không biểu quyết")


# --- issue 18: discipline with its level, the appraiser's finding -----------------------------------


class DisciplineLevel(LabelledEnum):
    """Disciplinary measures in rising order of gravity (Luật Cán bộ, công chức Điều 79; Luật Viên chức
    Điều 52): a rule that disqualifies "từ cảnh cáo trở lên" compares with :meth:`at_least`."""

    KHIEN_TRACH = ("khien_trach", "Khiển trách")
    CANH_CAO = ("canh_cao", "Cảnh cáo")
    HA_BAC_LUONG = ("ha_bac_luong", "Hạ bậc lương")
    GIANG_CHUC = ("giang_chuc", "Giáng chức")
    CACH_CHUC = ("cach_chuc", "Cách chức")
    BUOC_THOI_VIEC = ("buoc_thoi_viec", "Buộc thôi việc")

    def at_least(self, other: DisciplineLevel) -> bool:
        order = list(DisciplineLevel)
        return order.index(self) >= order.index(other)


class Finding(LabelledEnum):
    """The appraiser's finding on a criterion that needs judgement (tiêu chuẩn cần thẩm định)."""

    MET = ("met", "Đạt")
    NOT_MET = ("not_met", "Không đạt")


# --- NĐ 152/2025 steps (issue 19) ------------------------------------------------------------------


class ClearanceBody(LabelledEnum):
    """The bodies whose opinion or clearance a nomination may need (NĐ 152/2025 Điều 33 k2, Điều 34)."""

    PARTY_COMMITTEE = ("party_committee", "Ban Thường vụ Tỉnh ủy")
    INSPECTION = ("inspection", "Thanh tra tỉnh")
    TAX = ("tax", "Cơ quan thuế")
    SOCIAL_INSURANCE = ("social_insurance", "Bảo hiểm xã hội")
    ENVIRONMENT = ("environment", "Sở Nông nghiệp và Môi trường")
    LABOUR_SAFETY = ("labour_safety", "Cơ quan quản lý an toàn, vệ sinh lao động")


class ClearanceStatus(LabelledEnum):
    OPEN = ("open", "Chờ trả lời")
    FAVOURABLE = ("favourable", "Đồng ý")
    ADVERSE = ("adverse", "Không đồng ý")


class CommentChannel(LabelledEnum):
    WEB = ("web", "Gửi qua trang công khai")
    STAFF = ("staff", "Cán bộ tiếp nhận (thư, điện thoại, trực tiếp)")


class NationalOutcome(LabelledEnum):
    AWARDED = ("awarded", "Được khen thưởng")
    DECLINED = ("declined", "Không được khen thưởng")


# --- issue 20b: statistics (TT 02/2023/TT-BNV) and the reward fund ----------------------------------


class StatGroup(LabelledEnum):
    """The class of a recipient the Ministry's forms 0602/0603 count by (rows "Trong đó: Doanh nghiệp" and
    the five "+ …" rows of individuals): recorded at entry, since no decision text carries it."""

    DOANH_NGHIEP = ("doanh_nghiep", "Tập thể là doanh nghiệp")
    LANH_DAO_BO_TINH = ("lanh_dao_bo_tinh", "Lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên")
    LANH_DAO_VU_SO = ("lanh_dao_vu_so", "Lãnh đạo cấp vụ, sở, ngành và tương đương")
    DOANH_NHAN = ("doanh_nhan", "Doanh nhân")
    LANH_DAO_KHAC = ("lanh_dao_khac", "Các cấp lãnh đạo khác từ phó phòng trở lên")
    TRUC_TIEP = (
        "truc_tiep",
        "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu",
    )


class FundSource(LabelledEnum):
    """Where the reward fund's money comes from (NĐ 152/2025 Điều 46 k3)."""

    NGAN_SACH = ("ngan_sach", "Ngân sách nhà nước")
    DONG_GOP = ("dong_gop", "Đóng góp của cá nhân, tổ chức")


class FundEntryKind(LabelledEnum):
    """One line of the fund's ledger; a correction is a reversal of an earlier line, never an edit."""

    INCOME = ("income", "Nguồn quỹ được giao / tiếp nhận")
    PAYMENT = ("payment", "Chi tiền thưởng")
    ORGANISING = ("organising", "Chi tổ chức phong trào, công tác thi đua")
    RECOVERY = ("recovery", "Thu hồi tiền thưởng")
    REVERSAL = ("reversal", "Bút toán đảo (điều chỉnh)")
