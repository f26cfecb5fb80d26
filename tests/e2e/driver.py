"""Answer a docassemble interview in the browser, screen by screen, the way a person would.

On each screen the driver reads the form docassemble drew (each input's name
is the base64 of the variable it sets; ``_datatypes`` and ``_varnames`` say
the rest), asks a ``CaseFileAnswerer`` for each visible field's value, types,
picks or ticks it on the page, takes a screenshot and presses the screen's
button.  Fields a ``show if`` hides are left alone, as a person would not see
them; a choice the answerer wants but the page does not offer is an error
naming the screen and the choices it did offer.

Each screen is recorded (question id, heading, the page's HTML, every choice
offered), so a test can check afterwards what a user was shown.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from .answers import CaseFileAnswerer, as_text, expand_generic
from .conftest import Shots
from .pages import HEADING, draw_signature, heading

Page = Any

BOOLEAN_TYPES = {"boolean", "yesno", "noyes", "yesnoradio", "noyesradio", "yesnowide", "noyeswide", "threestate"}

# Every named control of the form, in document order, with what is needed to decide how to answer it.
_CONTROLS_JS = """
() => {
  const form = document.querySelector('#daform');
  if (!form) return [];
  const shown = el => {
    const box = el.closest('.da-form-group, .form-group, fieldset') || el;
    if (box.closest('.dahidden, [style*="display: none"]')) return false;
    return !!(box.offsetWidth || box.offsetHeight || box.getClientRects().length);
  };
  const out = [];
  for (const el of form.querySelectorAll('input, select, textarea, button[name]')) {
    const name = el.getAttribute('name');
    if (!name || name.startsWith('_') || name === 'csrf_token' || el.type === 'hidden') continue;
    const options = el.tagName === 'SELECT' ? Array.from(el.options).map(o => o.value).filter(v => v !== '') : [];
    out.push({name, id: el.id, tag: el.tagName.toLowerCase(), type: (el.type || '').toLowerCase(),
              value: el.value, checked: !!el.checked, visible: shown(el), options});
  }
  return out;
}
"""


def decode_name(encoded: str) -> str | None:
    """docassemble's ``safeid``: base64 without padding or newlines."""
    try:
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def _hidden_json(page: Page, name: str) -> Any:
    """The JSON docassemble keeps, base64-encoded, in the form's hidden input ``name``."""
    locator = page.locator(f'#daform input[name="{name}"]')
    if locator.count() == 0:
        return {}
    raw = decode_name(locator.first.get_attribute("value") or "")
    try:
        return json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        return {}


def _written(page: Page, controls: list[dict[str, Any]]) -> dict[str, str]:
    """Encoded input name -> the variable as the question block wrote it (``_varnames`` resolved)."""
    varnames = {decode_name(k) or k: decode_name(v) or v for k, v in dict(_hidden_json(page, "_varnames")).items()}
    return {c["name"]: varnames.get(decode_name(c["name"]) or c["name"], decode_name(c["name"]) or c["name"])
            for c in controls}


def _variables(page: Page, controls: list[dict[str, Any]]) -> dict[str, str]:
    """Encoded input name -> the variable it sets, with ``x`` and ``[i]`` spelled out.

    docassemble names an input after the variable as the question block wrote it
    (``x.full_name``, possibly through ``_varnames``); the hidden ``_event`` input
    says which variable the screen is asking for (``case.parent_a.full_name``).
    """
    written = _written(page, controls)
    events = _hidden_json(page, "_event")
    spelled = expand_generic(sorted(set(written.values())), [str(e) for e in events] if isinstance(events, list) else [])
    return {name: spelled.get(variable, variable) for name, variable in written.items()}


_FORM_VALUES_JS = """() => {
  const out = {};
  for (const el of document.querySelectorAll('#daform input, #daform select, #daform textarea')) {
    if (!el.name || el.name.startsWith('_') || ['hidden', 'file', 'submit', 'button'].includes(el.type)) continue;
    if (el.type === 'checkbox') out[el.name + '=' + el.value] = el.checked;
    else if (el.type === 'radio') { if (el.checked) out[el.name] = el.value; }
    else out[el.name] = el.value;
  }
  return out;
}"""


def form_values(page: Page) -> dict[str, Any]:
    """What the screen's form holds now: each input's value (a checkbox's ticked state, the radio chosen)."""
    return dict(page.evaluate(_FORM_VALUES_JS))


@dataclass
class ScreenRecord:
    """What one screen showed."""

    id: str
    heading: str
    html: str
    text: str
    choices: dict[str, list[str]] = field(default_factory=dict)  # variable -> values offered
    seconds: float | None = None  # from pressing its button to the next screen's heading
    sent: dict[str, Any] = field(default_factory=dict)  # what the form held when its button was pressed (form_values)


class ChoiceNotOffered(AssertionError):
    """The case file's answer is not among the choices the screen offers."""


@dataclass
class BrowserInterview:
    page: Page
    answerer: CaseFileAnswerer
    shots: Shots | None = None
    label: str = ""
    screens: list[ScreenRecord] = field(default_factory=list)
    _recorded: Any = field(default=None, repr=False)  # the heading element of the last screen recorded

    def screen_id(self) -> str:
        locator = self.page.locator('#daform input[name="_question_name"]')
        if locator.count() == 0:
            return heading(self.page)
        return re.sub(r"^ID ", "", locator.first.get_attribute("value") or "")

    def record(self) -> ScreenRecord:
        """Record the screen shown now (once: a screen already recorded is returned as it was) and screenshot it."""
        shown = self.page.locator(HEADING).first.element_handle()
        if self._recorded is not None and self.page.evaluate("([a, b]) => a === b", [shown, self._recorded]):
            return self.screens[-1]
        self._recorded = shown
        controls = self.page.evaluate(_CONTROLS_JS)
        variables = _variables(self.page, controls)
        choices: dict[str, list[str]] = {}
        for control in controls:
            variable = variables[control["name"]]
            if control["type"] == "radio" or control["tag"] == "button":
                choices.setdefault(variable, []).append(control["value"])
            elif control["tag"] == "select":
                choices.setdefault(variable, []).extend(control["options"])
        record = ScreenRecord(self.screen_id(), heading(self.page), self.page.content(),
                              str(self.page.locator("#daquestion").inner_text()), choices)
        self.screens.append(record)
        if self.shots is not None:
            self.shots.take(self.page, f"{self.label}{record.id}")
        return record

    def answer_screen(self) -> None:
        """Fill in the current screen from the answerer and press its button."""
        page = self.page
        screen = self.record()
        if page.locator("#dasigcanvas").count():
            draw_signature(page)
            self.fail_on_error(screen)
            return
        datatypes = {decode_name(k) or k: v for k, v in dict(_hidden_json(page, "_datatypes")).items()}
        controls = page.evaluate(_CONTROLS_JS)
        variables = _variables(page, controls)
        written = _written(page, controls)
        done: set[str] = set()
        buttons = [c for c in controls if c["tag"] == "button"]
        for control in controls:
            encoded = control["name"]
            if encoded in done or control["tag"] == "button":
                continue
            done.add(encoded)
            # Visibility is read again now: an earlier answer on this screen may have shown or hidden it.
            current = next((c for c in page.evaluate(_CONTROLS_JS) if c["name"] == encoded), control)
            if not current["visible"]:
                continue
            variable = variables[encoded]
            datatype = datatypes.get(written[encoded]) or datatypes.get(decode_name(encoded) or encoded)
            value = self.answerer.value(screen.id, variable, boolean=datatype in BOOLEAN_TYPES)
            if callable(value):  # an answer that depends on what the screen offers
                value = value(screen.choices.get(variable, []))
            self.set_value(screen, variable, encoded, current, value)
        self.tick_none_of_the_above()
        screen.sent = form_values(page)
        before = page.locator(HEADING).first.element_handle()
        pressed = time.perf_counter()
        if buttons:
            variable = variables[buttons[0]["name"]]
            if len({b["value"] for b in buttons}) == 1 and buttons[0]["value"] in ("True", ""):
                wanted = buttons[0]["value"]  # a `continue button field`
            else:
                value = self.answerer.value(screen.id, variable, boolean=set(b["value"] for b in buttons) <= {"True", "False"})
                wanted = as_text(value)
            offered = [b["value"] for b in buttons]
            if wanted not in offered:
                raise ChoiceNotOffered(f"screen {screen.id!r}: {variable} = {wanted!r} is not offered; buttons: {offered}")
            page.locator(f'#daform button[name="{buttons[0]["name"]}"][value="{wanted}"]').first.click()
        elif page.locator("#da-continue-button").count():
            page.locator("#da-continue-button").click()
        elif page.locator("#daform button[type=submit]").count():
            page.locator("#daform button[type=submit]").first.click()
        else:
            raise AssertionError(f"screen {screen.id!r} ({screen.heading!r}) is an end: it has no button to press")
        # The next screen replaces the heading; a refused answer shows a message instead
        # (in the browser, or from the server's validation code on the same screen again).
        page.wait_for_function(
            "el => !el.isConnected || [...document.querySelectorAll('.da-has-error, .alert-danger')]"
            ".some(e => e.offsetParent !== null && e.textContent.trim())", arg=before, timeout=60_000)
        page.locator(HEADING).first.wait_for()
        screen.seconds = time.perf_counter() - pressed
        self.fail_on_error(screen)

    def tick_none_of_the_above(self) -> None:
        """A checkbox field with nothing ticked gets its "none of the above" box ticked, as a person must (docassemble refuses it otherwise)."""
        for nota in self.page.locator("#daform input.danota-checkbox").all():
            group = next((c for c in (nota.get_attribute("class") or "").split() if re.fullmatch(r"dafield\d+", c)), None)
            ticked = self.page.locator(f"#daform input.danon-nota-checkbox.{group}:checked").count() if group else 1
            if not ticked and not nota.is_checked():
                label = self.page.locator(f'label[for="{nota.get_attribute("id")}"]')
                (label.first if label.count() else nota).click()

    def fail_on_error(self, previous: ScreenRecord) -> None:
        """A screen that comes back with a validation message means the answer was refused: say which."""
        errors = self.page.locator(".da-has-error:visible, .alert-danger:visible")
        if errors.count() and self.screen_id() == previous.id:
            messages = "; ".join(t.strip() for t in errors.all_inner_texts() if t.strip())
            raise AssertionError(f"screen {previous.id!r} refused the answers: {messages}")

    def set_value(self, screen: ScreenRecord, variable: str, encoded: str, control: dict[str, Any], value: Any) -> None:
        page = self.page
        kind, tag = control["type"], control["tag"]
        if kind == "radio":
            if value is None:
                return
            wanted = as_text(value)
            offered = screen.choices.get(variable, [])
            if wanted not in offered:
                raise ChoiceNotOffered(f"screen {screen.id!r}: {variable} = {wanted!r} is not offered; choices: {offered}")
            radio = page.locator(f'#daform input[type=radio][name="{encoded}"][value="{wanted}"]').first
            if not radio.is_checked():
                page.locator(f'label[for="{radio.get_attribute("id")}"]').first.click()
        elif kind == "checkbox":
            box = page.locator(f'#daform input[type=checkbox][name="{encoded}"]').first
            if bool(value) != box.is_checked():
                label = page.locator(f'label[for="{box.get_attribute("id")}"]')
                (label.first if label.count() else box).click()
        elif tag == "select":
            if value is None:
                return
            wanted = as_text(value)
            if wanted not in control["options"]:
                raise ChoiceNotOffered(f"screen {screen.id!r}: {variable} = {wanted!r} is not offered; choices: {control['options']}")
            page.locator(f'#daform select[name="{encoded}"]').select_option(wanted)
        elif kind == "file":
            return
        else:
            if value is None:
                return  # left as shown: blank, or the default docassemble filled in
            text = as_text(value)
            if kind == "time" and isinstance(value, (str, dt.time)):
                text = text[:5]
            page.locator(f'#daform [name="{encoded}"]').first.fill(text)

    def at(self, final: str | re.Pattern[str]) -> bool:
        """Is this the screen ``final`` names: its question id or heading, or a pattern found in
        either (an end screen such as the draft has no form, so no question id, only a heading)?"""
        names = (self.screen_id(), heading(self.page))
        if isinstance(final, re.Pattern):
            return any(final.search(name) for name in names)
        return final in names

    def run_until(self, final: str | re.Pattern[str], limit: int = 300) -> ScreenRecord:
        """Answer screens until the one ``final`` names (see :meth:`at`); returns its record."""
        for _ in range(limit):
            if self.at(final):
                return self.record()
            self.answer_screen()
        raise AssertionError(f"no {final!r} screen after {limit} screens: {[s.id for s in self.screens[-10:]]}")
