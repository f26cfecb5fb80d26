"""Filing commands: fields, coversheet, packet."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..case.model import load_case
from ..errors import FormError, FormProblems
from ..forms.coversheet import (
    default_mapping_path,
    fill_cover_sheet,
    load_mapping,
    mapping_problems,
    relative_form_ref,
    resolve_form,
    starter_mapping,
)
from ..forms.fields import read_form
from ..forms.pdf_files import load_bytes
from ..outputs import write_all, write_atomically

form_option = click.option(
    "--form",
    "form_path",
    type=click.Path(path_type=Path),
    help="The fillable PDF to fill (default: the one the mapping names in `form:`).",
)
map_option = click.option(
    "--map",
    "map_path",
    type=click.Path(path_type=Path),
    help="Mapping file (YAML) from case to form fields (default: the generic cover sheet's generic.yml).",
)
flatten_option = click.option(
    "--flatten",
    is_flag=True,
    help="Make the cover sheet non-editable: paint the values into the page and remove the form fields.",
)


def _notes(notes: list[str]) -> None:
    for note in notes:
        click.echo(f"note: {note}", err=True)


@click.command("fields")
@click.argument("form_pdf", type=click.Path(path_type=Path))
@click.option("--starter", "starter", type=click.Path(path_type=Path), help="Also write a starter mapping file (YAML) listing every field, ready to fill in.")
@click.option("--force", is_flag=True, help="With --starter: overwrite the mapping file if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print the fields as JSON instead of a table.")
def fields_command(form_pdf: Path, starter: Path | None, force: bool, as_json: bool) -> None:
    """List FORM_PDF's fillable fields: name, type, allowed values, page and position.

    Positions are in points from the page's top-left corner (72 points = 1 inch),
    which helps with generic names like `undefined_12`.  Checkbox values are the
    PDF's own on-states (`/Yes`, `/no`, `/No`...), which a mapping must use exactly.
    """
    form = read_form(form_pdf)
    ordered = form.in_position_order()
    if as_json:
        rows = []
        for f in ordered:
            w = next((w for w in f.widgets if w.page is not None), None)
            rows.append({
                "name": f.name,
                "type": f.kind,
                "allowed": f.allowed(),
                "on_states": list(f.on_states),
                "options": list(f.options),
                "max_length": f.max_length,
                "required": f.required,
                "read_only": f.read_only,
                "page": f.page,
                "x": round(w.top_left[0], 1) if w else None,
                "y": round(w.top_left[1], 1) if w else None,
                "width": round(w.size[0], 1) if w else None,
                "height": round(w.size[1], 1) if w else None,
                "tooltip": f.tooltip,
                "value": f.value,
            })
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        table = [("NAME", "TYPE", "ALLOWED VALUES", "PAGE", "X,Y (pt from top-left)", "W x H", "TOOLTIP")]
        for f in ordered:
            w = next((w for w in f.widgets if w.page is not None), None)
            flags = "".join([" required" if f.required else "", " read-only" if f.read_only else ""])
            table.append((
                repr(f.name) if f.name != f.name.strip() or "  " in f.name else f.name,
                f.kind + flags,
                f.allowed(),
                str(f.page or "-"),
                f"{w.top_left[0]:.0f},{w.top_left[1]:.0f}" if w else "-",
                f"{w.size[0]:.0f}x{w.size[1]:.0f}" if w else "-",
                f.tooltip or "",
            ))
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        for row in table:
            click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        click.echo(f"{len(form.fields)} field(s) on {form.page_count} page(s)", err=True)
    _notes([f"pypdf: {n}" for n in form.notes])
    if starter is not None:
        if starter.exists() and not force:
            raise FormError("already exists; not overwritten", path=starter, hint="choose another name or add --force")
        text = starter_mapping(form, form_ref=relative_form_ref(form_pdf, starter), title=_pdf_title(form_pdf))
        write_atomically(starter, text)
        click.echo(f"wrote {starter}", err=True)


def _pdf_title(path: Path) -> str | None:
    from ..forms.pdf_files import open_pdf

    reader, _data, _where = open_pdf(path)
    info = reader.metadata
    title = info.title if info is not None else None
    return str(title).strip() or None if title else None


@click.command("coversheet")
@click.argument("case_file", type=click.Path(path_type=Path))
@form_option
@map_option
@click.option("--out", "out_path", type=click.Path(path_type=Path), help="Where to write the filled PDF (required unless --check).")
@flatten_option
@click.option("--check", is_flag=True, help="Only check the mapping against the form and the case; write nothing.")
def coversheet_command(case_file: Path, form_path: Path | None, map_path: Path | None, out_path: Path | None, flatten: bool, check: bool) -> None:
    """Fill a court cover sheet for CASE_FILE from a mapping file.

    Every mapped field must exist in the PDF and every value must fit its field
    (length, checkbox state, options, required); otherwise nothing is written and
    each problem is listed with the mapping file's line.
    """
    if out_path is None and not check:
        raise click.UsageError("give --out FILE.pdf (or --check to only check)")
    case = load_case(case_file)
    mapping = load_mapping(map_path or default_mapping_path())
    if check:
        form = resolve_form(mapping, form_path)
        values, problems = mapping_problems(mapping, form, case)
        if problems:
            raise FormProblems(problems)
        click.echo(f"ok: {len(values)} field(s) of {Path(form.source).name} filled from {case_file}, no problems")
        return
    sheet = fill_cover_sheet(case, form=form_path, mapping=mapping, flatten=flatten)
    assert out_path is not None
    write_atomically(out_path, sheet.data)
    _notes(sheet.notes)
    click.echo(str(out_path))


@click.command("packet")
@click.argument("case_file", type=click.Path(path_type=Path))
@click.option("--agreement", "agreement_path", required=True, type=click.Path(path_type=Path), help="The agreement PDF (copied byte for byte, so a digitally sealed one stays valid).")
@click.option("--attach", "attach_paths", multiple=True, type=click.Path(path_type=Path), help="An attachment PDF (repeatable); the mapping's packet.attachments list sets the order.")
@form_option
@map_option
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Folder to write the packet into.")
@flatten_option
def packet_command(case_file: Path, agreement_path: Path, attach_paths: tuple[Path, ...], form_path: Path | None, map_path: Path | None, out_dir: Path, flatten: bool) -> None:
    """Build the filing packet for CASE_FILE: cover sheet, agreement and attachments as
    separate files, merged into filing-packet.pdf with bookmarks, and a README.txt."""
    from ..forms.packet import build_packet

    case = load_case(case_file)
    agreement, _ = load_bytes(agreement_path)
    attachments = [(p.name, load_bytes(p)[0]) for p in attach_paths]
    files = build_packet(case, agreement, attachments, form=form_path, mapping=map_path, flatten=flatten)
    for path in write_all(out_dir, files):
        click.echo(str(path))
