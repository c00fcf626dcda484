"""The documentation says only what the project has: links, images, commands and paths are checked.

Every relative link in README.md and docs/**/*.md must reach a file (and a ``#anchor`` a heading in it),
every image must exist, every ``thidua …`` command in a code block must parse against the real CLI
(command, options, required values, option types), every ``make X`` must be a Makefile target, every
``THIDUA_*`` variable a setting, and every repository path in code a file or folder that exists.
Fast and offline: the CLI is introspected, never run.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
import typer.main

from thidua_workflow.cli import app
from thidua_workflow.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
IMAGE_BUDGET = 2 * 1024 * 1024  # every committed image together: the repository stays light

FENCE = re.compile(r"^(```|~~~)")
LINK = re.compile(r"(!?)\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_SRC = re.compile(r"<(?:img|a)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", re.IGNORECASE)
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
MAKE = re.compile(r"(?:^|[\s;&|(])make\s+([A-Za-z][\w-]*)")
ENV_VAR = re.compile(r"\bTHIDUA_[A-Z0-9_]+\b")
REPO_PATH = re.compile(r"^(?:thidua_workflow|flows|deployments|bench|examples|tests|docs)/[\w./*-]+$")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")

# Variables that are not settings of the application: the test suite's and the tools' own.
TOOL_VARIABLES = {
    "THIDUA_TEST_PG_URL": "tests/conftest.py",
    "THIDUA_BENCH_PG_URL": "bench/inbox.py",
    "THIDUA_SCALE_ADMIN_URL": "deployments/scale_out.py",
    "THIDUA_SCREENSHOTS": "tests/browser/test_browser.py",
    "THIDUA_MODEL_SEED": "tests/model/test_services_model.py",
    "THIDUA_MODEL_EXAMPLES": "tests/model/test_services_model.py",
    "THIDUA_MODEL_STEPS": "tests/model/test_services_model.py",
    "THIDUA_MODEL_STATS": "tests/model/test_services_model.py",
    "THIDUA_MODEL_SHRINK": "tests/model/test_services_model.py",
}


@dataclass(frozen=True)
class Doc:
    path: Path
    prose: list[tuple[int, str]]  # lines outside fenced code, inline code removed
    text: list[tuple[int, str]]  # lines outside fenced code, as written
    code: list[tuple[int, str]]  # lines inside fenced code blocks
    inline: list[tuple[int, str]]  # inline code spans

    @property
    def name(self) -> str:
        return str(self.path.relative_to(ROOT))


def read_doc(path: Path) -> Doc:
    prose: list[tuple[int, str]] = []
    text: list[tuple[int, str]] = []
    code: list[tuple[int, str]] = []
    inline: list[tuple[int, str]] = []
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if fenced:
            code.append((number, line))
            continue
        inline.extend((number, span.group(2).strip()) for span in INLINE_CODE.finditer(line))
        prose.append((number, INLINE_CODE.sub("", line)))
        text.append((number, line))
    return Doc(path, prose, text, code, inline)


@pytest.fixture(scope="module")
def docs() -> list[Doc]:
    return [read_doc(path) for path in DOCS]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = re.sub(r"[`*]", "", text).strip().lower()
    text = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LNM")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    found: set[str] = set()
    for _number, line in read_doc(path).text:
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(doc: Doc) -> Iterator[tuple[int, bool, str]]:
    """(line, is an image, target) for every Markdown or HTML link outside code."""
    for number, line in doc.prose:
        for match in LINK.finditer(line):
            yield number, match.group(1) == "!", match.group(2)
        for match in HTML_SRC.finditer(line):
            yield number, "<img" in line.lower(), match.group(1)


def test_the_documents_are_nfc_and_the_readme_is_short(docs: list[Doc]) -> None:
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), f"{path.name} is not NFC"
    assert len((ROOT / "README.md").read_bytes()) < 8000, "README.md: under 8,000 bytes (its UTF-8 counted)"
    readme = docs[0]
    commands = [line.split("#")[0].strip() for _number, line in readme.code if line.strip()]
    assert commands[:2] == ["make demo", "make test"], "the quick start is the two commands, first"


def test_every_relative_link_reaches_a_file_and_its_anchor(docs: list[Doc]) -> None:
    problems: list[str] = []
    for doc in docs:
        for number, _image, target in links(doc):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                continue
            file_part, _sep, anchor = target.partition("#")
            path = (doc.path.parent / file_part).resolve() if file_part else doc.path
            if not path.exists():
                problems.append(f"{doc.name}:{number}: {target} — no such file")
            elif anchor and path.suffix == ".md" and anchor not in anchors(path):
                problems.append(f"{doc.name}:{number}: {target} — no heading with that anchor")
    assert not problems, "\n".join(problems)


def test_every_image_exists_and_all_of_them_stay_light(docs: list[Doc]) -> None:
    shown: set[Path] = set()
    problems: list[str] = []
    for doc in docs:
        for number, image, target in links(doc):
            if not image:
                continue
            path = (doc.path.parent / target).resolve()
            if not path.is_file():
                problems.append(f"{doc.name}:{number}: image {target} does not exist")
            shown.add(path)
    assert not problems, "\n".join(problems)
    committed = {p.resolve() for p in (ROOT / "docs" / "images").glob("*") if p.is_file()}
    assert committed <= shown, f"images no page shows: {sorted(p.name for p in committed - shown)}"
    total = sum(p.stat().st_size for p in committed)
    assert total <= IMAGE_BUDGET, f"docs/images holds {total:,} bytes; the budget is {IMAGE_BUDGET:,}"


def thidua_commands(doc: Doc) -> Iterator[tuple[int, list[str]]]:
    """Each ``thidua …`` command line of the code blocks as its words after ``thidua``; a line ending
    in a backslash continues on the next; ``VAR=value`` prefixes and ``# comments`` are dropped."""
    pending: tuple[int, str] | None = None
    for number, line in doc.code:
        if pending is not None:
            number, line = pending[0], pending[1] + " " + line
            pending = None
        if line.rstrip().endswith("\\"):
            pending = (number, line.rstrip()[:-1])
            continue
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        while words and ASSIGNMENT.match(words[0]):
            words = words[1:]
        if words and (words[0] == "thidua" or words[0].endswith("/thidua")):
            yield number, words[1:]


# Typer may vendor its own copy of click (0.29 does): its commands and errors are then not click's, so
# groups are recognised by what they can do and both families of errors are caught.
EXIT_ERRORS: tuple[type[BaseException], ...] = (typer.Exit, click.exceptions.Exit)
USAGE_ERRORS: tuple[type[Exception], ...] = (
    click.ClickException,
    getattr(typer, "TyperException", click.ClickException),
)


def parse_command(words: list[str], *, complete: bool) -> str | None:
    """Parse ``thidua WORDS`` as the CLI would, without running it; None when it parses, else why not.

    ``complete`` also demands every required value and a valid type for each given value."""
    command: Any = typer.main.get_command(app)
    name = "thidua"
    args = list(words)
    while True:
        is_group = hasattr(command, "list_commands")
        if "--help" in args and not is_group:
            args = [a for a in args if a != "--help"]
        try:
            ctx = command.make_context(name, list(args), resilient_parsing=not complete)
        except EXIT_ERRORS:
            return None  # --help on a group
        except USAGE_ERRORS as exc:
            message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
            return f"{name}: {message}"
        if not is_group:
            return None
        rest = [*getattr(ctx, "_protected_args", getattr(ctx, "protected_args", [])), *ctx.args]
        if not rest:
            return None if "--help" in args else f"{name}: no command given"
        sub = command.get_command(ctx, rest[0])
        if sub is None:
            return f"{name}: no command '{rest[0]}'"
        name, command, args = f"{name} {rest[0]}", sub, rest[1:]


def test_every_thidua_command_in_a_code_block_is_real(docs: list[Doc]) -> None:
    problems: list[str] = []
    seen = 0
    for doc in docs:
        for number, words in thidua_commands(doc):
            seen += 1
            problem = parse_command(words, complete=True)
            if problem:
                problems.append(f"{doc.name}:{number}: thidua {shlex.join(words)} — {problem}")
    assert seen > 20, "the docs show the CLI's commands"
    assert not problems, "\n".join(problems)


def test_every_thidua_command_named_in_prose_exists(docs: list[Doc]) -> None:
    """Inline ``thidua x y --opt`` spans name a command and options, not always every value."""
    problems: list[str] = []
    for doc in docs:
        for number, span in doc.inline:
            if not span.startswith("thidua "):
                continue
            try:
                words = shlex.split(span)[1:]
            except ValueError:
                problems.append(f"{doc.name}:{number}: `{span}` — unbalanced quotes")
                continue
            problem = parse_command(words, complete=False)
            if problem:
                problems.append(f"{doc.name}:{number}: `{span}` — {problem}")
    assert not problems, "\n".join(problems)


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", text, flags=re.MULTILINE))


def test_every_make_target_named_exists(docs: list[Doc]) -> None:
    targets = makefile_targets()
    assert {"demo", "test"} <= targets
    problems: list[str] = []
    for doc in docs:
        for number, text in [*doc.code, *doc.inline]:
            for match in MAKE.finditer(text.split("#")[0]):
                if match.group(1) not in targets:
                    problems.append(f"{doc.name}:{number}: make {match.group(1)} — no such target")
    assert not problems, "\n".join(problems)


def test_every_variable_is_a_setting_and_every_path_exists(docs: list[Doc]) -> None:
    settings = {f"THIDUA_{name.upper()}" for name in Settings.model_fields}
    problems: list[str] = []
    for doc in docs:
        for number, text in [*doc.prose, *doc.code, *doc.inline]:
            for variable in ENV_VAR.findall(text):
                if variable not in settings and variable not in TOOL_VARIABLES:
                    problems.append(f"{doc.name}:{number}: {variable} is not a setting")
        for number, span in doc.inline:
            if REPO_PATH.match(span) and not any(ROOT.glob(span.rstrip("/"))):
                problems.append(f"{doc.name}:{number}: {span} does not exist")
    assert not problems, "\n".join(problems)
    for variable, where in TOOL_VARIABLES.items():
        assert variable in (ROOT / where).read_text(encoding="utf-8"), f"{variable} is no longer in {where}"


def test_the_law_page_shows_the_bundled_policies() -> None:
    """docs/law.md's tables are what ``python docs/policy_tables.py`` prints from the policies today."""
    script = ROOT / "docs" / "policy_tables.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    law = (ROOT / "docs" / "law.md").read_text(encoding="utf-8")
    begin, end = "<!-- BEGIN generated", "<!-- END generated by docs/policy_tables.py -->"
    generated = law[law.index(begin) : law.index(end) + len(end)] + "\n"
    assert generated == done.stdout, (
        "docs/law.md is stale: run .venv/bin/python docs/policy_tables.py --write"
    )


def test_the_operator_guide_documents_every_setting() -> None:
    guide = (ROOT / "docs" / "operator-guide.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"THIDUA_{name.upper()}" not in guide]
    assert not missing, f"settings missing from docs/operator-guide.md: {missing}"


def test_the_checker_refuses_what_is_not_there(tmp_path: Path) -> None:
    """The checks above can fail: a made-up option, a missing value and a wrong type are refused."""
    assert parse_command(["policy", "show"], complete=True) is None
    assert (
        parse_command(["--as-of", "2019-12-05", "nominations", "list", "--year", "2019"], complete=True)
        is None
    )
    assert parse_command(["nominations", "frobnicate"], complete=True) is not None
    assert parse_command(["nominations", "list", "--colour", "red"], complete=True) is not None
    assert parse_command(["nominations", "withdraw", "7", "--as", "mu.canbo"], complete=True) is not None
    assert parse_command(["nominations", "show", "bảy"], complete=True) is not None
    assert parse_command(["nominations", "withdraw", "--as", "x"], complete=False) is None
    page = tmp_path / "page.md"
    page.write_text("# Đơn vị – khối\n## `thidua serve`\n", encoding="utf-8")
    assert anchors(page) == {"đơn-vị--khối", "thidua-serve"}
