"""What a page offers a person: its links, its forms with their fields, and the text of its main part.

Read with the standard library's HTMLParser, as a browser would see them: a form's fields with their
default values, selected options and checked boxes, and its named submit buttons (each one a choice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""
    checked: bool = False
    multiple: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected) for a select


@dataclass
class Form:
    action: str
    method: str
    multipart: bool
    fields: list[Field] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons: (name, value)

    @property
    def csrf(self) -> dict[str, str]:
        return {f.name: f.value for f in self.fields if f.name == "csrf_token"}

    def offered(self, button: tuple[str, str] | None = None) -> list[tuple[str, str]]:
        """The values the page offers: defaults, the selected (or first) option, every checkbox ticked,
        the checked (or first) radio of each group, and the pressed button."""
        values: list[tuple[str, str]] = []
        radios: dict[str, str] = {}
        for f in self.fields:
            if f.kind in ("submit", "button", "reset", "image", "file"):
                continue
            if f.kind == "radio":
                if f.checked or f.name not in radios:
                    radios[f.name] = f.value or "on"
                continue
            if f.kind == "checkbox":
                values.append((f.name, f.value or "on"))
            elif f.kind == "select":
                chosen = [v for v, selected in f.options if selected]
                if not chosen and f.options and not f.multiple:
                    chosen = [f.options[0][0]]
                values.extend((f.name, v) for v in chosen)
            else:
                values.append((f.name, f.value))
        values.extend(radios.items())
        if button is not None:
            values.append(button)
        return values

    @property
    def file_fields(self) -> list[str]:
        return [f.name for f in self.fields if f.kind == "file"]


@dataclass
class Page:
    links: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    main_text: str = ""
    has_error_box: bool = False
    error_flash: bool = False


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.form: Form | None = None
        self.select: Field | None = None
        self.option: tuple[str, bool] | None = None
        self.option_text = ""
        self.option_selected = False
        self.textarea: Field | None = None
        self.in_main = 0
        self.skip = 0  # inside <script> or <style>
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "main":
            self.in_main += 1
        elif tag in ("script", "style"):
            self.skip += 1
        elif tag == "a" and "href" in a:
            self.page.links.append(a["href"])
        elif tag == "form":
            self.form = Form(
                action=a.get("action", ""),
                method=(a.get("method") or "get").lower(),
                multipart=a.get("enctype", "") == "multipart/form-data",
            )
            self.page.forms.append(self.form)
        if "error-box" in classes:
            self.page.has_error_box = True
        if tag == "p" and "flash" in classes and "error" in classes:
            self.page.error_flash = True
        if self.form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind == "submit":
                self.form.buttons.append((name, a.get("value", "")))
            else:
                self.form.fields.append(Field(name, kind, a.get("value", ""), checked="checked" in a))
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            self.form.buttons.append((name, a.get("value", "")))
        elif tag == "select" and name and "disabled" not in a:
            self.select = Field(name, "select", multiple="multiple" in a)
            self.form.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            self.option = (a["value"], "selected" in a) if "value" in a else None
            self.option_selected = "selected" in a
            self.option_text = ""
        elif tag == "textarea" and name and "disabled" not in a:
            self.textarea = Field(name, "textarea")
            self.form.fields.append(self.textarea)

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main -= 1
        elif tag in ("script", "style"):
            self.skip -= 1
        elif tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "option" and self.select is not None:
            value = (
                self.option if self.option is not None else (self.option_text.strip(), self.option_selected)
            )
            self.select.options.append(value)
            self.option = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value += data
        if self.select is not None:
            self.option_text += data
        if self.in_main and not self.skip:
            self.text.append(data)


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader.page.main_text = " ".join(" ".join(reader.text).split())
    return reader.page
