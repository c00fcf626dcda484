"""Vietnamese text helpers: NFC, accent-free search, dictionary order, document dates."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua_workflow.domain.enums import NomineeKind
from thidua_workflow.domain.identity import list_order, list_order_key
from thidua_workflow.domain.text import (
    TextError,
    clean_text,
    decimal_vi,
    document_number,
    document_ref,
    file_size,
    group_digits,
    matches,
    money_vnd,
    name_sort_key,
    place_date,
    search_key,
    sort_key,
    vietnamese_date,
)


def test_nfd_input_is_stored_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    assert nfd != "Nguyễn Thị Ánh"
    assert clean_text(nfd) == "Nguyễn Thị Ánh"
    assert unicodedata.is_normalized("NFC", clean_text(nfd))


def test_spaces_collapse_and_trim() -> None:
    assert clean_text("  Hội   Người\u00a0mù  ") == "Hội Người mù"


@pytest.mark.parametrize("bad", ["a\x00b", "a\x07", "tab\x0bx", "a\u202eb", "zero\u200bwidth"])
def test_control_characters_are_refused(bad: str) -> None:
    with pytest.raises(TextError, match="ký tự điều khiển"):
        clean_text(bad)


def test_line_breaks_only_where_allowed() -> None:
    with pytest.raises(TextError):
        clean_text("dòng một\ndòng hai")
    assert clean_text("dòng một\r\n  dòng hai ", multiline=True) == "dòng một\ndòng hai"


def test_length_limit_counts_characters_not_bytes() -> None:
    assert clean_text("ễ" * 10, max_length=10) == "ễ" * 10
    with pytest.raises(TextError, match="tối đa 10"):
        clean_text("ễ" * 11, max_length=10)


def test_search_ignores_accents_case_and_d_stroke() -> None:
    assert search_key("Nguyễn Văn Đạt") == "nguyen van dat"
    assert matches("Nguyen Van A", "Nguyễn Văn A")
    assert matches("đạt", "NGUYỄN VĂN ĐẠT")
    assert not matches("Nguyen Van B", "Nguyễn Văn A")


def test_vietnamese_alphabet_order() -> None:
    words = ["đ", "d", "â", "ă", "a", "ơ", "ô", "o", "ư", "u", "ê", "e"]
    assert sorted(words, key=sort_key) == ["a", "ă", "â", "d", "đ", "e", "ê", "o", "ô", "ơ", "u", "ư"]


def test_tones_only_break_ties_in_dictionary_order() -> None:
    # ngang, huyền, hỏi, ngã, sắc, nặng; and letters before tones: "bác" after every "ba".
    words = ["bác", "bạ", "bá", "bã", "bả", "bà", "ba"]
    assert sorted(words, key=sort_key) == ["ba", "bà", "bả", "bã", "bá", "bạ", "bác"]


def test_people_sort_by_given_name_first() -> None:
    names = ["Trần Văn Bình", "Nguyễn Thị Ánh", "Lê Văn An", "Phạm Đức Anh"]
    assert sorted(names, key=name_sort_key) == [
        "Lê Văn An",
        "Phạm Đức Anh",
        "Nguyễn Thị Ánh",
        "Trần Văn Bình",
    ]


def test_document_dates() -> None:
    assert vietnamese_date(date(2020, 7, 31)) == "ngày 31 tháng 7 năm 2020"
    assert place_date("Quảng Bình", date(2020, 7, 31)) == "Quảng Bình, ngày 31 tháng 7 năm 2020"


def test_document_dates_take_the_leading_zeros_of_nd_30_2020() -> None:
    """NĐ 30/2020, Phụ lục I: a day below 10 and the months 1 and 2 are written with a leading zero."""
    assert vietnamese_date(date(2020, 1, 5)) == "ngày 05 tháng 01 năm 2020"
    assert vietnamese_date(date(2020, 2, 21)) == "ngày 21 tháng 02 năm 2020"
    assert vietnamese_date(date(2019, 11, 9)) == "ngày 09 tháng 11 năm 2019"
    assert vietnamese_date(date(2020, 3, 10)) == "ngày 10 tháng 3 năm 2020"


def test_document_numbers_below_ten_take_a_leading_zero() -> None:
    """NĐ 30/2020, Phụ lục I, mục II.3.c: "với những số nhỏ hơn 10 phải ghi thêm số 0 phía trước"."""
    assert [document_number(n) for n in (1, 9, 10, 162)] == ["01", "09", "10", "162"]
    assert document_ref("5/QĐ-UBND") == "05/QĐ-UBND"
    assert document_ref("05/QĐ-UBND") == "05/QĐ-UBND"
    assert document_ref("412/QĐ-UBND") == "412/QĐ-UBND"
    assert document_ref("3120/UBND-NC") == "3120/UBND-NC"
    assert document_ref("QĐ số 5") == "QĐ số 5"  # not a number and symbol: left as typed


def test_money() -> None:
    assert money_vnd(5_270_000) == "5.270.000 đ"


VIETNAMESE_WORDS = st.lists(
    st.sampled_from(
        ["an", "Ánh", "ân", "Ấn", "Bình", "bỉnh", "Đạt", "dat", "Ưng", "Uy", "Ngô", "ngo", "A1", "Ω"]
    ),
    min_size=0,
    max_size=4,
).map(" ".join)


@given(
    VIETNAMESE_WORDS, VIETNAMESE_WORDS, st.sampled_from(list(NomineeKind)), st.sampled_from(list(NomineeKind))
)
def test_the_stored_order_key_sorts_as_the_list_order(
    a: str, b: str, kind_a: NomineeKind, kind_b: NomineeKind
) -> None:
    """SQL orders lists by the string key: it must agree with the tuple order wherever that is strict."""
    tuple_a, tuple_b = list_order(kind_a, a), list_order(kind_b, b)
    key_a, key_b = list_order_key(kind_a, a), list_order_key(kind_b, b)
    if tuple_a < tuple_b:
        assert key_a <= key_b  # equal only where the tuples differ by case alone, which the id then orders
    if tuple_a > tuple_b:
        assert key_a >= key_b
    assert set(key_a) <= set("0123456789abcdefghijklmnopqrstuvwxyz")  # the same order in every collation


def test_numbers_in_vietnamese_form() -> None:
    assert group_digits(1234) == "1.234" and group_digits(1234567) == "1.234.567" and group_digits(12) == "12"
    assert decimal_vi(84.2234) == "84,22" and decimal_vi(1234.5) == "1.234,50" and decimal_vi(7, 1) == "7,0"
    assert file_size(30 * 1024 * 1024) == "30,0 MB"
    assert file_size(1536) == "1,5 KB" and file_size(512) == "512 B"
