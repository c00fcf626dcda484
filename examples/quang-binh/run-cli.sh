#!/usr/bin/env bash
# The Quảng Bình scenario from the command line alone: the 2019 year-end review of Khối thi đua các hội
# đặc thù, from the units' submissions to the Chairman's signed and numbered decisions (2020).
#
# Run it on an EMPTY database (the numbers below are those a fresh database gives):
#   THIDUA_DATA_DIR=$(mktemp -d) examples/quang-binh/run-cli.sh                      # SQLite
#   THIDUA_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/thidua examples/quang-binh/run-cli.sh
# THIDUA=path/to/thidua chooses the executable (default: .venv/bin/thidua, else thidua on PATH).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
T=${THIDUA:-$root/.venv/bin/thidua}
[ -x "$T" ] || T=thidua
n=$here/nominations
say() { printf '\n== %s\n' "$*"; }

# The council's ballots are sealed with a secret kept apart from the database (docs/security.md): without
# one given, a fresh one in a folder of its own for this run.
if [ -z "${THIDUA_BALLOT_SECRET:-}${THIDUA_BALLOT_SECRET_PATH:-}${THIDUA_BALLOT_SECRET_BLOCK:-}" ]; then
  export THIDUA_BALLOT_SECRET_PATH="$(mktemp -d)/ballot.key"
  (umask 077 && python3 -c 'import secrets; print(secrets.token_hex(32))' >"$THIDUA_BALLOT_SECRET_PATH")
  echo "Khóa bí mật của phiếu kín (bản chạy thử, ngoài thư mục dữ liệu): $THIDUA_BALLOT_SECRET_PATH"
fi

say "Tổ chức tỉnh"
$T org load "$here/org.yaml"

say "Các đơn vị nộp tờ trình (hồ sơ số 1–9)"
$T --as-of 2019-12-05 nominations submit "$n/hoi-nguoi-cao-tuoi-2019.yaml" --as nct.canbo   # 1 Cờ, 2 Bằng khen
$T --as-of 2019-12-05 nominations submit "$n/hoi-nguoi-mu-2019.yaml" --as mu.canbo          # 3 Bằng khen, 4 CSTĐ
$T --as-of 2019-12-06 nominations submit "$n/lien-minh-htx-2019.yaml" --as htx.canbo        # 5
$T --as-of 2019-12-06 nominations submit "$n/hoi-chu-thap-do-2019.yaml" --as ctd.canbo      # 6 TTLĐXS
$T --as-of 2019-12-06 nominations submit "$n/hoi-nha-bao-2019.yaml" --as nhabao.canbo       # 7
$T --as-of 2019-12-09 nominations submit "$n/hoi-vhnt-2019.yaml" --as vhnt.canbo            # 8
$T --as-of 2019-12-09 nominations submit "$n/hoi-luat-gia-2019.yaml" --as luatgia.canbo     # 9

say "Trưởng khối trả lại hồ sơ số 7; Hội Luật gia rút hồ sơ số 9; Hội Nhà báo nộp lại"
$T --as-of 2019-12-10 rounds return 7 --as nct.chutich --reason "Thành tích chưa cụ thể; bổ sung số liệu."
$T --as-of 2019-12-10 nominations withdraw 9 --as luatgia.canbo --reason "Đơn vị xin rút để đề nghị năm sau."
$T --as-of 2019-12-16 nominations resubmit 7 --as nhabao.canbo --file "$n/hoi-nha-bao-2019-hoan-thien.yaml"

say "Vòng bình xét số 1: chấm điểm, bỏ phiếu (không bỏ phiếu cho hồ sơ của đơn vị mình)"
$T --as-of 2019-12-17 rounds open 1 --as nct.chutich
for pair in nct:hoi-nct mu:hoi-nguoi-mu htx:lien-minh-htx ctd:hoi-chu-thap-do nhabao:hoi-nha-bao \
            lhtn:hoi-lhtn dacam:hoi-da-cam khkt:lien-hiep-khkt luatgia:hoi-luat-gia vhnt:hoi-vhnt; do
  $T --as-of 2019-12-19 rounds score 1 --as "${pair%%:*}.chutich" --scores "$here/round-2019/${pair#*:}.yaml"
done
$T --as-of 2019-12-19 rounds vote 1 --as nct.chutich --yes 3,4,5,6,7 --no 8
$T --as-of 2019-12-19 rounds vote 1 --as mu.chutich --yes 1,2,5,6,7 --no 8
$T --as-of 2019-12-19 rounds vote 1 --as htx.chutich --yes 1,2,3,4,6,7 --no 8
$T --as-of 2019-12-19 rounds vote 1 --as ctd.chutich --yes 1,2,3,4,5,7 --no 8
$T --as-of 2019-12-19 rounds vote 1 --as nhabao.chutich --yes 1,2,3,4,5,6,8
$T --as-of 2019-12-19 rounds vote 1 --as lhtn.chutich --yes 1,2,3,4,5,6,7,8
$T --as-of 2019-12-19 rounds vote 1 --as dacam.chutich --yes 1,2,3,4,5,6,7 --no 8
$T --as-of 2019-12-19 rounds vote 1 --as khkt.chutich --yes 1,2,3,4,5,6,7 --no 8
$T --as-of 2019-12-19 rounds vote 1 --as luatgia.chutich --yes 1,2,3,4,5,6,7,8
$T --as-of 2019-12-19 rounds vote 1 --as vhnt.chutich --yes 1,2,3,4,5,6,7
$T --as-of 2019-12-20 rounds close 1 --as nct.chutich --next-chair qb-lien-minh-htx --next-deputy qb-hoi-chu-thap-do

say "Ban Thi đua – Khen thưởng thẩm định"
for id in 1 2 3 4 5 6 7; do
  $T --as-of 2020-01-08 nominations appraise "$id" --as cv.tdkt1 --decision pass
done

say "Phiên họp số 1 của Hội đồng: 9 thành viên có mặt, 2 gửi phiếu bằng văn bản; bỏ phiếu kín"
present=ct.ubnd,gd.snv,tb.tdkt,cvp.ubnd,gd.stc,ct.ldld,ct.mttq,bt.tinhdoan,ct.hoiphunu
$T --as-of 2020-01-15 sessions open --as tb.tdkt
$T --as-of 2020-01-15 sessions attendance 1 --as tb.tdkt --present "$present"
for member in ${present//,/ }; do
  if [ "$member" = cvp.ubnd ]; then
    $T --as-of 2020-01-15 sessions vote 1 --as "$member" --yes 1 --no 4
  else
    $T --as-of 2020-01-15 sessions vote 1 --as "$member" --yes 1,4
  fi
done
for member in gd.sgddt ct.hoinongdan; do
  $T --as-of 2020-01-15 sessions written-ballot 1 --as tb.tdkt --member "$member" --yes 1,4
done
$T --as-of 2020-01-15 sessions close 1 --as tb.tdkt --proposal 12/TTr-SNV   # dự thảo 1–4

say "Ký (một dự thảo bị trả lại) và vào sổ"
$T --as-of 2020-01-20 decisions sign 1 --as pct.ubnd        # Bằng khen
$T --as-of 2020-01-20 decisions sign 2 --as ct.ubnd         # Chiến sĩ thi đua cấp tỉnh
$T --as-of 2020-01-20 decisions sign 3 --as ct.ubnd         # Cờ thi đua
$T --as-of 2020-01-20 decisions send-back 4 --as pct.ubnd --reason "Xem xét lại thời điểm khen tập thể."
$T --as-of 2020-01-21 decisions register 1 --as vt.ubnd --number 162
$T --as-of 2020-01-21 decisions register 2 --as vt.ubnd --number 163
$T --as-of 2020-01-21 decisions register 3 --as vt.ubnd --number 164

say "Phiên họp số 2: xét lại dự thảo bị trả lại"
$T --as-of 2020-02-12 sessions open --as tb.tdkt
$T --as-of 2020-02-12 sessions attendance 2 --as tb.tdkt --present "$present"
$T --as-of 2020-02-12 sessions close 2 --as tb.tdkt --proposal 20/TTr-SNV      # dự thảo 5
$T --as-of 2020-02-12 decisions sign 5 --as pct.ubnd
$T --as-of 2020-02-12 decisions register 5 --as vt.ubnd --number 165

say "Khen thưởng đột xuất (thủ tục đơn giản), tháng 5/2020"
$T --as-of 2020-05-15 nominations submit "$n/hoi-lhtn-2020-dot-xuat.yaml" --as lhtn.canbo    # 10
# The household's own Bằng khen criterion needs the appraiser's finding (cần thẩm định) before passing.
$T --as-of 2020-05-19 nominations finding 10 --as cv.tdkt2 --rule bang_khen_ho_gia_dinh --result met \
  --reason "Đã xác minh đóng góp của gia đình cho địa phương."
$T --as-of 2020-05-19 nominations appraise 10 --as cv.tdkt2 --decision pass
$T --as-of 2020-05-19 sessions open --as tb.tdkt
$T --as-of 2020-05-19 sessions attendance 3 --as tb.tdkt --present "$present"
$T --as-of 2020-05-19 sessions close 3 --as tb.tdkt --proposal 41/TTr-SNV      # dự thảo 6
$T --as-of 2020-05-19 decisions sign 6 --as pct.ubnd
$T --as-of 2020-05-19 decisions register 6 --as vt.ubnd --number 166

say "Kết quả"
$T decisions list
$T nominations list
