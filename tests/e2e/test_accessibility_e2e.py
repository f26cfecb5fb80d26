"""Accessibility in the browser beyond what every test checks (axe-core on each screen, tests/e2e/pages.py):
the parent's path in the dark colour scheme, the draft's contrast in both schemes, one h1 per page, a parent
approving and signing by keyboard alone, and the mediator's interview closed to anyone not signed in as staff."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

from .conftest import ROOT, ContextFactory, Server, Shots
from .pages import ACCESSIBILITY, HEADING, heading, sign_in
from .review_round import MediatorCli, pdf_text

JOINT = ROOT / "examples" / "cases" / "joint-two-children.yml"
MEDIATOR = "docassemble.MediationAgreement:data/questions/mediation_agreement.yml"

CONTRAST = """
el => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const v = c.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  let bg = null;
  for (let n = el; n; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor;
    if (c && !/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') { bg = rgb(c); break; }
  }
  const fg = rgb(getComputedStyle(el).color);
  bg = bg || [255, 255, 255];
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


def keyboard_until(page, text: str, limit: int = 600) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the focused element's words (its text, value, label or aria-label) contain ``text``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; if (!e || e === document.body) return '';"
            " const l = e.labels && e.labels[0] ? e.labels[0].innerText : '';"
            " return [e.innerText || '', e.value || '', l, e.getAttribute('aria-label') || ''].join(' '); }"
        )
        if text.lower() in str(focused).lower():
            return
    raise AssertionError(f"{text!r} is not reachable with the Tab key on {heading(page)!r}")


def press(page, key: str) -> str:  # type: ignore[no-untyped-def]
    """Press a key that sends the screen; wait for the next one (checked with axe) and return its heading."""
    before = heading(page)
    page.keyboard.press(key)
    page.wait_for_function("t => { const h = document.querySelector('#daMainQuestion'); return h && h.innerText.trim() !== t; }", arg=before)
    ACCESSIBILITY.check(page)
    return heading(page)


def test_a_parent_reads_the_draft_in_both_schemes_and_approves_and_signs_by_keyboard(
    new_context: ContextFactory, da_server: Server, shots: Shots, tmp_path: Path
) -> None:
    cli = MediatorCli(da_server)
    case = cli.open_case(JOINT)
    cli.issue_draft(case.case_id, tmp_path / "draft")
    cli.run("case", "approve", case.case_id, "--token", case.tokens["a"], "--draft", "1")  # the mother said yes already
    for scheme in ("dark", "light"):
        page = new_context(phone=True, color_scheme=scheme).new_page()
        page.goto(cli.review_url(case, "b"))
        ACCESSIBILITY.check(page)
        assert heading(page).startswith("Hello,") and page.locator("h1:visible").count() == 1
        keyboard_until(page, "Continue")
        assert press(page, "Enter") == "Read the draft"
        shots.take(page, f"draft-{scheme}")
        assert page.locator("h1:visible").count() == 1, "the draft preview must not add a second h1"
        for part in (".agreement-title", ".agreement p"):
            ratio = float(page.locator(f".mediation-agreement-preview {part}").first.evaluate(CONTRAST))
            assert ratio >= 4.5, f"{scheme}: {part} has contrast {ratio:.2f}:1, under 4.5:1"
    # The light-scheme session goes on: no comment, yes to the draft, sign by typing, all by keyboard.
    keyboard_until(page, "Continue")
    assert press(page, "Enter") == "Do you want to leave a comment?"
    keyboard_until(page, "Yes")
    page.keyboard.press("ArrowDown")  # the radio group's next choice: No
    assert page.locator("input[type=radio]:checked").first.evaluate("e => e.labels[0].innerText").strip() == "No"
    keyboard_until(page, "Continue")
    assert press(page, "Enter") == "Is this draft OK with you?"
    keyboard_until(page, "Yes, it is OK")
    assert press(page, "Enter") == "Before you sign"
    keyboard_until(page, "I have read the agreement")
    page.keyboard.press("Space")
    keyboard_until(page, "Draw my signature")
    page.keyboard.press("ArrowDown")  # Type my name
    keyboard_until(page, "Continue")
    assert press(page, "Enter") == "Type your name to sign"
    keyboard_until(page, "Your full name")
    page.keyboard.type("Daniel James Ortega")
    keyboard_until(page, "Continue")
    assert press(page, "Enter") == "You signed the agreement"


def test_the_mediators_interview_is_for_signed_in_staff_only(new_context: ContextFactory, da_server: Server) -> None:
    stranger = new_context().new_page()
    stranger.goto(da_server.interview_url(MEDIATOR))
    assert "/user/sign-in" in stranger.url or stranger.locator(HEADING).count() == 0
    staff = new_context().new_page()
    sign_in(staff, da_server.url, da_server.admin_email, da_server.admin_password)
    staff.goto(da_server.interview_url(MEDIATOR))
    ACCESSIBILITY.check(staff)
    assert heading(staff) == "Start a mediated parenting agreement"
    assert staff.locator("h1:visible").count() == 1


def test_a_spanish_speaking_parents_pages_are_in_spanish_and_say_so(new_context: ContextFactory, da_server: Server, tmp_path: Path) -> None:
    """docassemble's own language mechanism in the browser, on a phone: Spanish screens (the page's lang attribute, axe on
    each), the Spanish reading copy beside the English draft (its PDF downloaded and read back), then approval and a
    typed signature by keyboard, recorded as in English."""
    import yaml

    data = yaml.safe_load(JOINT.read_text(encoding="utf-8"))
    data["parent_b"]["language"] = "es"
    spanish = tmp_path / "joint-spanish.yml"
    spanish.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    cli = MediatorCli(da_server)
    case = cli.open_case(spanish)
    cli.issue_draft(case.case_id, tmp_path / "draft")
    page = new_context(phone=True).new_page()
    page.goto(cli.review_url(case, "b"))
    ACCESSIBILITY.check(page)
    assert heading(page).startswith("Hola,")
    assert page.evaluate("document.documentElement.lang").startswith("es")
    keyboard_until(page, "Continuar")
    assert press(page, "Enter") == "Lea el borrador"
    copy = page.locator(".mediation-agreement-preview[lang=es]")
    assert "Traducción de cortesía" in copy.inner_text() and "MANUTENCIÓN DE LOS HIJOS" in copy.inner_text().upper()
    assert not page.locator("details.mediation-agreement-english").evaluate("e => e.open")  # the English draft, folded below
    with page.expect_download() as download:
        page.get_by_text("Descargar la traducción en PDF").click()
    reading = tmp_path / "lectura.pdf"
    download.value.save_as(reading)
    assert download.value.suggested_filename == "acuerdo-borrador-1-es.pdf"
    text = pdf_text(reading)
    assert text.count("Traducción de cortesía") == len(PdfReader(reading).pages) and "Firmas" in text.title()
    keyboard_until(page, "Continuar")
    assert press(page, "Enter") == "¿Quiere dejar un comentario?"
    page.get_by_role("button", name="No", exact=True).focus()  # this screen's choices are buttons
    assert press(page, "Enter") == "¿Está de acuerdo con este borrador?"
    keyboard_until(page, "Sí, está bien")
    assert press(page, "Enter") == "Gracias. Usted dijo que sí a este borrador."
    cli.run("case", "approve", case.case_id, "--token", case.tokens["a"], "--draft", "1")  # the other parent says yes
    keyboard_until(page, "Revisar de nuevo")
    assert press(page, "Enter") == "Antes de firmar"
    keyboard_until(page, "Leí el acuerdo y quiero firmarlo")
    page.keyboard.press("Space")
    keyboard_until(page, "Dibujar mi firma")
    page.keyboard.press("ArrowDown")  # Escribir mi nombre
    keyboard_until(page, "Continuar")
    assert press(page, "Enter") == "Escriba su nombre para firmar"
    keyboard_until(page, "Su nombre completo")
    page.keyboard.type("Daniel James Ortega")
    keyboard_until(page, "Firmar")
    assert press(page, "Enter") == "Usted firmó el acuerdo"
    assert re.search(r'signed by [^\n]*\(typed "Daniel James Ortega"\)', cli.show(case.case_id)), cli.show(case.case_id)  # recorded as in English
