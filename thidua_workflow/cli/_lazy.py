"""The root command group that imports a command's module only when that command runs.

Importing every command module costs more than the rest of ``thidua --help`` (some import pydantic models
at their top, as ``domain.movements``). So the root knows its commands from a table (``Entry``: the name,
the module and attribute that hold the command, the first paragraph of its help): ``thidua --help`` and
shell completion of the first word list the table; running ``thidua NAME …`` (or ``thidua NAME --help``)
imports that one module and builds its command exactly as ``app.add_typer``/``app.command`` would.
``tests/cli/test_cli_startup.py`` checks the table against the real commands, so it cannot drift.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping, Sequence
from typing import Any, Literal

import typer
from typer.core import TyperCommand, TyperGroup

PACKAGE = "thidua_workflow.cli"


class Entry:
    """One command of the root: ``kind`` "group" mounts a ``typer.Typer`` (``module.attribute``) as
    ``app.add_typer`` does, "command" a function as ``app.command`` does; ``summary`` is the first
    paragraph of its help, what ``thidua --help`` shows beside it. (A plain class: ``dataclasses`` would
    be one more import on every start.)"""

    __slots__ = ("attribute", "kind", "module", "name", "summary")

    def __init__(
        self, name: str, module: str, attribute: str, kind: Literal["group", "command"], summary: str
    ) -> None:
        self.name = name
        self.module = module
        self.attribute = attribute
        self.kind = kind
        self.summary = summary

    def __repr__(self) -> str:
        return f"Entry({self.name!r}, {self.module}.{self.attribute})"

    def load(self) -> Any:
        """The ``typer.Typer`` or the function, from its module (imported now if it was not)."""
        return getattr(importlib.import_module(f"{PACKAGE}.{self.module}"), self.attribute)

    def build(self) -> Any:
        """The click command of this entry, built by typer from a root of the same settings."""
        holder = typer.Typer()
        target = self.load()
        if self.kind == "group":
            holder.add_typer(target, name=self.name)
        else:
            holder.command(self.name)(target)
        return typer.main.get_group(holder).commands[self.name]

    def listed(self) -> TyperCommand:
        """What a listing of the root's commands reads of this one, without importing its module."""
        return TyperCommand(name=self.name, help=self.summary, callback=None)


class _Commands(MutableMapping[str, Any]):
    """The root's commands by name, in the table's order; a command is built when first looked up."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = {entry.name: entry for entry in entries}
        self.built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.built:
            self.built[name] = self.entries[name].build()
        return self.built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.built[name] = command

    def __delitem__(self, name: str) -> None:
        self.built.pop(name, None)
        self.entries.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        yield from self.entries
        yield from (name for name in self.built if name not in self.entries)

    def __len__(self) -> int:
        return len(self.entries.keys() | self.built.keys())

    def __contains__(self, name: object) -> bool:
        return name in self.entries or name in self.built


class LazyGroup(TyperGroup):
    """A typer group whose commands come from ``ENTRIES`` (set by a subclass), imported on use."""

    ENTRIES: Sequence[Entry] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        commands = _Commands(self.ENTRIES)
        for name, command in self.commands.items():  # any registered the usual way
            commands[name] = command
        self.commands = commands
        self._listing = 0

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        commands = self.commands
        if self._listing and isinstance(commands, _Commands) and cmd_name not in commands.built:
            entry = commands.entries.get(cmd_name)
            return entry.listed() if entry else None
        return commands.get(cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        """The names in the table's order (typer's own reads every command, which would build them)."""
        return list(self.commands)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The root's help lists its commands from the table."""
        self._listing += 1
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing -= 1

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        """Completing the first word lists the commands (and their help) from the table."""
        self._listing += 1
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            self._listing -= 1
