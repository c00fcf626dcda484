"""Vietnamese text is data: normalised to NFC, compared without accents, sorted the Vietnamese way."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# Control characters other than the line breaks and tab a multi-line text may hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"[ \t\u00a0]+")


class TextError(ValueError):
    """A string that cannot be accepted as Vietnamese text."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_text(text: str, *, multiline: bool = False, max_length: int | None = None) -> str:
    """NFC, trimmed, inner spaces collapsed; control characters and over-long text are refused."""
    value = nfc(text)
    if not multiline and ("\n" in value or "\r" in value):
        raise TextError("không được xuống dòng trong trường này")
    bad = _CONTROL.search(value)
    if bad:
        raise TextError(f"chứa ký tự điều khiển U+{ord(bad.group()):04X}")
    if multiline:
        value = "\n".join(_SPACES.sub(" ", line).strip() for line in value.replace("\r\n", "\n").split("\n"))
        value = value.strip("\n")
    else:
        value = _SPACES.sub(" ", value).strip()
    if max_length is not None and len(value) > max_length:
        raise TextError(f"dài {len(value)} ký tự, tối đa {max_length}")
    return value


def search_key(text: str) -> str:
    """Accent-insensitive key: "Nguyễn Văn A" and "nguyen van a" have the same key."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.casefold()).strip()


def matches(query: str, text: str) -> bool:
    """True when every word of the query occurs in the text, accents and case ignored."""
    haystack = search_key(text)
    return all(word in haystack for word in search_key(query).split())


# Letters in the order of the Vietnamese alphabet; letters outside it sort after, by code point.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# Tones in dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a distinct letter (ă â ê ô ơ ư) rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def _split_letter(ch: str) -> tuple[str, int]:
    decomposed = unicodedata.normalize("NFD", ch.casefold())
    base = decomposed[0]
    tone = 0
    letter_marks = ""
    for mark in decomposed[1:]:
        if mark in _TONE_RANK:
            tone = _TONE_RANK[mark]
        elif mark in _LETTER_MARKS:
            letter_marks += mark
    return unicodedata.normalize("NFC", base + letter_marks), tone


def sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """Vietnamese dictionary order: letters first (a < ă < â … d < đ), tones only to break ties."""
    letters: list[int] = []
    tones: list[int] = []
    for ch in nfc(text):
        if ch.isspace():
            letters.append(-1)
            continue
        letter, tone = _split_letter(ch)
        letters.append(_LETTER_RANK.get(letter, 1000 + ord(letter[0])))
        tones.append(tone)
    return tuple(letters), tuple(tones), text


def name_sort_key(full_name: str) -> tuple[object, ...]:
    """People are listed by given name (the last word), then by the family and middle names."""
    words = nfc(full_name).split()
    if not words:
        return ((), (), "")
    return (sort_key(words[-1]), sort_key(" ".join(words[:-1])))


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"  # ordered alike by SQL's binary and locale collations
_PAIR_TOP = len(_DIGITS) ** 2 - 1
ORDER_KEY_LENGTH = 600  # longer keys are cut: the id breaks what ties remain


def _pair(value: int) -> str:
    value = min(value, _PAIR_TOP)
    return _DIGITS[value // len(_DIGITS)] + _DIGITS[value % len(_DIGITS)]


def collation_key(text: str) -> str:
    """``sort_key`` as a string SQL can order by: letters (two characters each), "00", then the tones.

    "00" sorts below every letter, so a word that is the start of another sorts first, as in the
    tuple; a space (01) sorts below every letter (02…), letters outside the alphabet after them.
    """
    letters, tones, _text = sort_key(text)
    encoded = "".join(
        _pair(1 if rank < 0 else 2 + rank if rank < 1000 else 35 + rank - 1000) for rank in letters
    )
    return encoded + "00" + "".join(str(tone) for tone in tones)


def name_collation_key(full_name: str) -> str:
    """``name_sort_key`` as a string: the given name's key, "00", then the family and middle names'."""
    words = nfc(full_name).split()
    if not words:
        return ""
    return collation_key(words[-1]) + "00" + collation_key(" ".join(words[:-1]))


_SWAP_MARKS = str.maketrans(",.", ".,")


def group_digits(number: int) -> str:
    """Whole numbers as Vietnamese write them: 1.234.567."""
    return f"{number:,}".replace(",", ".")


def decimal_vi(number: float, places: int = 2) -> str:
    """A decimal number the Vietnamese way: thousands dot, decimal comma ("1.234,50", "84,22")."""
    return f"{number:,.{places}f}".translate(_SWAP_MARKS)


def number_vi(number: float, places: int = 2) -> str:
    """A figure as short as it reads: at most ``places`` decimals, no trailing zeros ("90", "84,22", "7,5")."""
    text = decimal_vi(number, places)
    return text.rstrip("0").rstrip(",") if "," in text else text


def file_size(size: int) -> str:
    """A file's size for people: "512 B", "12,5 KB", "30,0 MB" (1 KB = 1024 bytes)."""
    if size < 1024:
        return f"{group_digits(size)} B"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            return f"{decimal_vi(value, 1)} {unit}"
    raise AssertionError("unreachable")


def document_number(n: int) -> str:
    """A document's number as NĐ 30/2020/NĐ-CP (Phụ lục I, mục II.3.c) writes it: a number below 10 takes
    a leading zero ("Số: 01/QĐ-UBND")."""
    return f"{n:02d}"


_ONE_DIGIT_NUMBER = re.compile(r"^(\d)(?=/)")


def document_ref(text: str) -> str:
    """A document's number and symbol as typed ("5/QĐ-UBND"), the number written as NĐ 30/2020 has it
    ("05/QĐ-UBND"): what the system prints about other documents follows the same rule as its own."""
    return _ONE_DIGIT_NUMBER.sub(r"0\1", text)


def vietnamese_date(day: date) -> str:
    """The form dates take in documents (Nghị định 30/2020/NĐ-CP, Phụ lục I): "ngày 31 tháng 7 năm 2020".

    A day below 10 and the months 1 and 2 take a leading zero: "ngày 05 tháng 01 năm 2020".
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(place: str, day: date) -> str:
    """The dateline of a document: "Quảng Bình, ngày 31 tháng 7 năm 2020"."""
    return f"{place}, {vietnamese_date(day)}"


def position_and_unit(position: str | None, unit: str | None) -> str | None:
    """A person's line in a list, the unit named once: "Phó Chủ tịch Hội Người mù tỉnh Quảng Bình".

    A position that already names the unit keeps it; one that ends with the start of the unit's name
    ("Phó Chủ tịch Hội Người mù tỉnh") is completed with the rest of it rather than repeating the unit.
    """
    position = nfc(position or "").strip()
    unit = nfc(unit or "").strip()
    if not position or not unit:
        return position or unit or None
    if search_key(unit) in search_key(position):
        return position
    words, unit_words = position.split(), unit.split()
    for size in range(min(len(words), len(unit_words)), 1, -1):
        if search_key(" ".join(words[-size:])) == search_key(" ".join(unit_words[:size])):
            return " ".join(words[:-size] + unit_words)
    return f"{position}, {unit}"


def money_vnd(amount: int) -> str:
    """Amounts as Vietnamese documents write them: 2.340.000 đ."""
    return group_digits(amount) + " đ"
