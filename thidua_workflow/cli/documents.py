"""``thidua documents``: the paperwork of a round from Word templates (.docx, or PDF through LibreOffice)."""

from pathlib import Path
from typing import Annotated

import typer

from thidua_workflow.cli._console import emit, err, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import AsUser, JsonFlag

app = typer.Typer(
    help="Văn bản của đợt xét: biên bản khối, tờ trình, biên bản Hội đồng, thông báo, quyết định (.docx, PDF).",
    no_args_is_help=True,
)
Kind = Annotated[
    str,
    typer.Argument(help="Loại: bien-ban-khoi, to-trinh, bien-ban-hoi-dong, thong-bao, quyet-dinh."),
]
Subject = Annotated[int, typer.Argument(help="Số vòng bình xét, phiên họp hoặc quyết định.")]


@app.command("list")
@handled
def documents_list(as_json: JsonFlag = False) -> None:
    """Các văn bản lập được từ hồ sơ hiện có, và mẫu Word mỗi loại dùng (mẫu riêng của tỉnh hay mặc định)."""
    from rich.table import Table

    from thidua_workflow.certificates.word import KINDS, find_template
    from thidua_workflow.services import paperwork

    with context() as ctx:
        found = paperwork.available(ctx)
        folder = paperwork.override_folder(ctx)
    templates = {kind: find_template(kind, folder) for kind in KINDS}
    rows = [
        {
            "kind": kind,
            "subject": subject,
            "title": KINDS[kind],
            "file": paperwork.file_stem(kind, subject),
            "template": str(templates[kind].path),
            "province_template": templates[kind].overridden,
        }
        for kind, subject in found
    ]
    if as_json:
        emit(rows)
        return
    table = Table("Loại", "Số", "Văn bản", "Mẫu")
    for row in rows:
        template = "của tỉnh" if row["province_template"] else "mặc định"
        table.add_row(str(row["kind"]), str(row["subject"]), str(row["title"]), template)
    out.print(table)


@app.command("make")
@handled
def documents_make(
    kind: Kind,
    subject: Subject,
    output: Annotated[Path, typer.Option("--out", help="Tệp ghi ra (.docx hoặc .pdf theo --format).")],
    fmt: Annotated[str, typer.Option("--format", help="docx hoặc pdf.")] = "docx",
) -> None:
    """Lập một văn bản từ mẫu Word: .docx để sửa, hoặc PDF (qua LibreOffice)."""
    from thidua_workflow.services import paperwork

    with context() as ctx:
        made = paperwork.make(ctx, kind, subject, fmt)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(made.content)
    size = f"{len(made.content):,}".replace(",", ".")
    err.print(f"Đã ghi {output} ({size} byte; mẫu {made.template}).")


@app.command("export")
@handled
def documents_export(
    folder: Annotated[Path, typer.Argument(help="Thư mục ghi ra.")],
    no_pdf: Annotated[bool, typer.Option("--no-pdf", help="Chỉ .docx (không cần LibreOffice).")] = False,
) -> None:
    """Mọi văn bản lập được, .docx và PDF, vào một thư mục."""
    from thidua_workflow.services import paperwork

    with context() as ctx:
        written = paperwork.export_all(ctx, folder, pdf=not no_pdf)
    err.print(f"Đã ghi {len(written)} tệp vào {folder}.")


@app.command("attach")
@handled
def documents_attach(
    kind: Kind,
    subject: Subject,
    scan: Annotated[Path, typer.Argument(help="Bản đã ký, đóng dấu, quét thành PDF.")],
    actor: AsUser,
) -> None:
    """Đưa bản ký quét của văn bản trở lại hồ sơ (ai, khi nào, mã SHA-256)."""
    from thidua_workflow.errors import InputRejected
    from thidua_workflow.services import paperwork

    if not scan.is_file():
        raise InputRejected(f"Không thấy tệp {scan}.")
    with context() as ctx:
        done = paperwork.attach_signed(ctx, actor, kind, subject, scan.name, scan.read_bytes())
    out.print(f"Đã lưu bản ký {done.file_name} ({done.sha256[:12]}…) cho {kind} số {subject}.")
