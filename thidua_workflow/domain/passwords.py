"""What a password must be (OWASP ASVS level 1): long enough, not common, not a run or a repetition, not
made of the account's own name — each refusal in Vietnamese, naming the rule it breaks.

The list of common passwords ships with the package (``common-passwords.txt``); nothing is asked of the
network.
"""

from __future__ import annotations

import re
import string
from functools import cache
from pathlib import Path

from thidua_workflow.domain.text import search_key

MIN_LENGTH = 12
MAX_LENGTH = 200
# Runs a person types without thinking: the digits, the alphabet, the rows of a keyboard.
SEQUENCES = (
    string.digits,
    string.ascii_lowercase,
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
)
_SEPARATORS = re.compile(r"[\s\-_.,;:/\\|+*~!@#$%^&()\[\]{}'\"`?<>=]+")
_EDGES = string.digits + string.punctuation + " "

TOO_SHORT = f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự."
TOO_LONG = f"Mật khẩu dài quá {MAX_LENGTH} ký tự."
SPACES = "Mật khẩu không được bắt đầu hoặc kết thúc bằng khoảng trắng."
COMMON = (
    "Mật khẩu này nằm trong danh sách mật khẩu phổ biến, dễ bị đoán (quy tắc: không dùng mật khẩu phổ biến); "
    "hãy chọn mật khẩu khác."
)
REPEATED = (
    "Mật khẩu không được là một ký tự hay một nhóm ký tự lặp lại (quy tắc: không lặp lại, như "
    "111111111111 hay abcabcabcabc)."
)
SEQUENTIAL = (
    "Mật khẩu không được là một dãy ký tự liên tiếp (quy tắc: không dùng dãy liên tiếp, như 123456789012, "
    "abcdefghijkl hay qwertyuiop)."
)
ACCOUNT = (
    "Mật khẩu không được dựa trên tên đăng nhập hay họ tên của chính tài khoản (quy tắc: không dùng thông "
    "tin của tài khoản)."
)


class PasswordRefused(ValueError):
    """A password that breaks a rule; the message is for the person, in Vietnamese."""


@cache
def common_passwords() -> frozenset[str]:
    text = (Path(__file__).parent / "common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(_flat(line) for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _flat(text: str) -> str:
    """Lower case, no accents, no separators: "Mật-Khẩu 123" → "matkhau123"."""
    return _SEPARATORS.sub("", search_key(text))


def _is_repetition(text: str) -> bool:
    if len(set(text)) <= 2:
        return True
    return any(
        len(text) % size == 0 and text == text[:size] * (len(text) // size)
        for size in range(1, len(text) // 2 + 1)
    )


def _is_sequence(text: str) -> bool:
    for run in SEQUENCES:
        looped = run * (len(text) // len(run) + 2)
        if text in looped or text in looped[::-1]:
            return True
    return False


def _account_derived(flat: str, username: str, full_name: str) -> bool:
    """The username, a part of it or the whole name inside the password; or the password nothing but the
    name's parts and digits ("nguyenvanan1990", "an.nguyen.2020")."""
    names = search_key(full_name).split()
    whole = {_flat(username), "".join(names)}
    whole.update(_flat(part) for part in re.split(r"[._\-@\s]+", username) if len(part) >= 4)
    if any(w and w in flat for w in whole if len(w) >= 3):
        return True
    rest = flat
    found = False
    for word in sorted({*names, *whole}, key=len, reverse=True):
        if len(word) >= 2 and word in rest:
            found = True
            rest = rest.replace(word, "")
    return found and len(set(rest.strip(_EDGES))) < 4


def check_password(password: str, *, username: str = "", full_name: str = "") -> None:
    """Raise PasswordRefused naming the first rule ``password`` breaks; nothing if it breaks none."""
    if password.strip() != password or not password.strip():
        raise PasswordRefused(SPACES)
    if len(password) < MIN_LENGTH:
        raise PasswordRefused(TOO_SHORT)
    if len(password) > MAX_LENGTH:
        raise PasswordRefused(TOO_LONG)
    flat = _flat(password)
    core = flat.strip(_EDGES)
    common = common_passwords()
    if flat in common or core in common or search_key(password) in common:
        raise PasswordRefused(COMMON)
    if _is_repetition(flat) or _is_repetition(search_key(password)):
        raise PasswordRefused(REPEATED)
    if _is_sequence(flat):
        raise PasswordRefused(SEQUENTIAL)
    if (username or full_name) and _account_derived(flat, username, full_name):
        raise PasswordRefused(ACCOUNT)
