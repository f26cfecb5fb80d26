"""Drive the package's interviews with docassemble's own engine, without a server.

docassemble.base parses the real interview YAML and decides which question
comes next (``Interview.assemble``); the web application normally does the
rest.  This harness does the small part of the web application's work that
the tests need, and nothing else:

* **configuration** — a throwaway config file (``secretkey`` plus any extra
  directives, e.g. ``mediation agreement: libraries:``) loaded through
  ``docassemble.base.config``;
* **a pluggy plugin** (:class:`ServerStandIn`) answering the hooks that
  docassemble.base calls into the server for: configuration, locale
  defaults, package file lookup, numbered-file storage in a temp folder,
  URLs, secure file names;
* **a step driver** (:class:`InterviewDriver`): ``screen()`` assembles and
  describes the question docassemble would show; ``answer(...)`` does what the
  server does with a POST — coerces each value to the field's datatype, sets
  the variables, runs the question's ``validation code`` (a
  ``DAValidationError`` comes back as :class:`Rejected`), marks mandatory
  questions answered and pops the action that a review screen's Edit button
  pushed; ``action(name)`` is an Edit button / ``url_action`` click.

What is *not* emulated: the HTML, JavaScript ``show if`` (fields hidden by
``show if`` are still listed; the driver leaves them unset unless told),
pickling between steps, and the multi-user session store.
"""

from __future__ import annotations

import datetime as _dt
import mimetypes
import os
import pickle
import re
import shutil
import sys
import tempfile
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pluggy
import yaml

from .holiday_answers import HolidayListAnswers

PACKAGE = "docassemble.MediationAgreement"
ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- import-time traps


def _stub_wordnet() -> None:
    """docassemble_pattern's WordNet wrapper downloads NLTK data at import; offline it fails."""
    name = "docassemble_pattern.text.en.wordnet"
    if name not in sys.modules:
        sys.modules[name] = types.ModuleType(name)
    import nltk

    nltk.download = lambda *args, **kwargs: False  # docassemble.base.pattern tries four more downloads


_stub_wordnet()

import docassemble.base.config as da_config  # noqa: E402

_STATE: dict[str, Any] = {}


def setup(extra_config: Mapping[str, Any] | None = None) -> Path:
    """Load a config file and register the plugin (once per process); returns the scratch folder.

    ``extra_config`` replaces the non-essential directives on every call, so a
    test can change ``mediation agreement:`` between interviews.
    """
    if "root" not in _STATE:
        root = Path(tempfile.mkdtemp(prefix="da-harness-"))
        _STATE["root"] = root
        config = {"secretkey": "harness-secret-key-0123456789abcdef", "debug": False, "default interview": None}
        config_file = root / "config.yml"
        config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
        os.environ["DA_CONFIG_FILE"] = str(config_file)
        da_config.load(filename=str(config_file))
        from docassemble.base.plugin_manager import pm

        pm.register(ServerStandIn(root), name="mediation-agreement-test-harness")
        _STATE["base_config"] = dict(da_config.daconfig)
    da_config.daconfig.clear()
    da_config.daconfig.update(_STATE["base_config"])
    da_config.daconfig.update(extra_config or {})
    return _STATE["root"]


# --------------------------------------------------------------------------- the server stand-in

hookimpl = pluggy.HookimplMarker("docassemble")


class ServerStandIn:
    """The hooks docassemble.base calls into the web application, answered locally."""

    def __init__(self, root: Path) -> None:
        self.files = root / "files"
        self.files.mkdir(parents=True, exist_ok=True)
        self.next_number = 1

    # configuration and locale ---------------------------------------------------
    @hookimpl
    def get_configuration(self) -> dict:
        return da_config.daconfig

    @hookimpl
    def get_default_language(self) -> str:
        return "en"

    @hookimpl
    def get_default_dialect(self) -> str:
        return "us"

    @hookimpl
    def get_default_locale(self) -> str:
        return "en_US.utf8"

    @hookimpl
    def get_default_voice(self) -> str:
        return "Joanna"

    @hookimpl
    def get_default_timezone(self) -> str:
        return "America/New_York"

    @hookimpl
    def get_default_country(self) -> str:
        return "US"

    @hookimpl
    def get_hostname(self) -> str:
        return "localhost"

    @hookimpl
    def get_debug_status(self) -> bool:
        return False

    # package files -----------------------------------------------------------------
    @hookimpl
    def file_finder(self, file_reference, question, folder, package, filename, return_nonexistent, uids):  # noqa: ANN001, ANN201
        path = resolve_package_file(str(file_reference), folder=folder or "static", package=package or (getattr(question, "package", None) if question else None))
        if path is None or not path.exists():
            if return_nonexistent and path is not None:
                return {"fullpath": str(path), "path": str(path)}
            return {"filename": file_reference}
        ext, mime = _ext_and_mime(path.name)
        return {"fullpath": str(path), "path": str(path), "filename": path.name, "extension": ext, "mimetype": mime, "persistent": False, "private": True}

    @hookimpl
    def url_finder(self, file_reference, kwargs):  # noqa: ANN001, ANN201
        number = getattr(file_reference, "number", None)
        if number is not None:
            return f"/uploadedfile/{number}/{getattr(file_reference, 'filename', 'file')}"
        if file_reference == "interview":  # interview_url(): the server's /interview?i=...&arguments
            return "http://localhost" + self.url_for("interview", kwargs)
        return f"/packagestatic/{file_reference}"

    @hookimpl
    def url_for(self, endpoint, kwargs):  # noqa: ANN001, ANN201
        query = "&".join(f"{k}={v}" for k, v in sorted(kwargs.items()) if not k.startswith("_"))
        return f"/{endpoint}" + (f"?{query}" if query else "")

    @hookimpl
    def get_ext_and_mimetype(self, filename):  # noqa: ANN001, ANN201
        return _ext_and_mime(str(filename))

    # numbered (uploaded or generated) files --------------------------------------------
    def _file_path(self, number: int) -> Path:
        folder = self.files / str(number)
        folder.mkdir(exist_ok=True)
        names = [p for p in folder.iterdir() if p.name != ".name"]
        if names:
            return names[0]
        name = (folder / ".name").read_text() if (folder / ".name").exists() else "file.txt"
        return folder / name

    @hookimpl
    def get_new_file_number(self, user_code, file_name, yaml_file_name):  # noqa: ANN001, ANN201
        number = self.next_number
        self.next_number += 1
        folder = self.files / str(number)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".name").write_text(os.path.basename(str(file_name)) or "file.txt")
        return number

    @hookimpl
    def save_numbered_file(self, filename, orig_path, yaml_file_name, uid):  # noqa: ANN001, ANN201
        number = self.get_new_file_number(uid, filename, yaml_file_name)
        target = self._file_path(number)
        shutil.copyfile(orig_path, target)
        ext, mime = _ext_and_mime(str(filename))
        return number, ext, mime

    @hookimpl
    def file_number_finder(self, file_number, filename, uids, privileged):  # noqa: ANN001, ANN201
        path = self._file_path(int(file_number))
        ext, mime = _ext_and_mime(path.name)
        return {"fullpath": str(path), "path": str(path), "filename": path.name, "extension": ext, "mimetype": mime, "persistent": False, "private": True}

    @hookimpl
    def get_saved_file_class(self):  # noqa: ANN201
        return _SavedFile

    # odds and ends ---------------------------------------------------------------------
    @hookimpl
    def applock(self, action, application, maxtime):  # noqa: ANN001, ANN201
        return None

    @hookimpl
    def get_main_page_parts(self):  # noqa: ANN201
        return {"*": {}}

    @hookimpl
    def get_server_redis(self):  # noqa: ANN201
        return None

    @hookimpl
    def to_text(self, html_doc):  # noqa: ANN001, ANN201
        return re.sub(r"<[^>]+>", "", str(html_doc))

    @hookimpl
    def secure_filename(self, filename):  # noqa: ANN001, ANN201
        return re.sub(r"[^A-Za-z0-9_.-]", "_", str(filename))

    @hookimpl
    def secure_filename_spaces_ok(self, filename):  # noqa: ANN001, ANN201
        return re.sub(r"[^A-Za-z0-9_. -]", "_", str(filename))

    @hookimpl
    def secure_filename_unicode_ok(self, the_filename):  # noqa: ANN001, ANN201
        return re.sub(r"[/\\\x00]", "_", str(the_filename))

    @hookimpl
    def get_default_table_class(self):  # noqa: ANN201
        return "table table-striped"

    @hookimpl
    def get_default_thead_class(self):  # noqa: ANN201
        return None

    @hookimpl
    def get_button_class_prefix(self):  # noqa: ANN201
        return "btn-"

    @hookimpl
    def get_referer(self):  # noqa: ANN201
        return None

    @hookimpl
    def server_sql_defined(self, key):  # noqa: ANN001, ANN201
        return False


class _SavedFile:
    """The server's storage object for a numbered file; files here already live on disk."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def save(self, *args: Any, **kwargs: Any) -> None:
        pass

    def finalize(self, *args: Any, **kwargs: Any) -> None:
        pass

    def commit(self, *args: Any, **kwargs: Any) -> None:
        pass

    def delete(self, *args: Any, **kwargs: Any) -> None:
        pass


def _ext_and_mime(name: str) -> tuple[str, str]:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else "txt"
    mime = {"yml": "text/plain", "yaml": "text/plain", "json": "application/json"}.get(ext) or mimetypes.guess_type(f"x.{ext}")[0] or "application/octet-stream"
    return ext, mime


def resolve_package_file(reference: str, *, folder: str, package: str | None) -> Path | None:
    """``docassemble.X:data/questions/y.yml``, ``data/questions/y.yml`` or ``y.yml`` -> a file."""
    import importlib.util

    if ":" in reference:
        package, rest = reference.split(":", 1)
    else:
        rest = reference
    package = package or PACKAGE
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(next(iter(spec.submodule_search_locations)))
    if not rest.startswith("data/"):
        rest = f"data/{folder}/{rest}"
    return base / rest


# --------------------------------------------------------------------------- driving an interview


@dataclass
class FieldInfo:
    """One input on a screen: the variable it sets, its datatype and the choices offered."""

    variable: str | None
    datatype: str | None
    label: str | None
    choices: list[tuple[Any, str]] = field(default_factory=list)
    required: bool = True
    hidden: bool = False
    help: str | None = None
    number: Any = None


@dataclass
class Screen:
    """What docassemble would show: the question block's id, type, text, fields and choices."""

    id: str
    question_type: str
    question_text: str
    subquestion_text: str
    fields: list[FieldInfo]
    status: Any = field(repr=False)
    attachments: list[Any] = field(default_factory=list, repr=False)
    review_items: list[str] = field(default_factory=list)
    buttons: list[tuple[Any, str]] = field(default_factory=list)

    @property
    def variables(self) -> list[str]:
        """The inputs shown (fields hidden by a server-side ``show if: code:`` are not)."""
        return [f.variable for f in self.fields if f.variable and not f.hidden]

    @property
    def hidden_variables(self) -> list[str]:
        return [f.variable for f in self.fields if f.variable and f.hidden]

    def choices(self, variable: str) -> list[Any]:
        for f in self.fields:
            if f.variable == variable:
                return [value for value, _label in f.choices]
        raise KeyError(f"{variable} is not on screen {self.id} ({', '.join(self.variables)})")

    def field(self, variable: str) -> FieldInfo:
        for f in self.fields:
            if f.variable == variable:
                return f
        raise KeyError(f"{variable} is not on screen {self.id} ({', '.join(self.variables)})")


class Rejected(Exception):
    """The screen's validation refused the answers (as the server would show them)."""

    def __init__(self, screen: str, message: str, field: str | None) -> None:
        super().__init__(f"{screen}: {field + ': ' if field else ''}{message}")
        self.screen = screen
        self.message = message
        self.field = field


class InterviewDriver:
    """One interview session, stepped screen by screen through docassemble's engine."""

    def __init__(
        self,
        yaml_file: str,
        *,
        user_email: str = "mediator@example.org",
        url_args: Mapping[str, str] | None = None,
        roles: Sequence[str] = ("user",),
    ) -> None:
        from docassemble.base import parse, thread_context

        self.parse = parse
        self.thread_context = thread_context
        self.yaml_filename = yaml_file if ":" in yaml_file else f"{PACKAGE}:data/questions/{yaml_file}"
        self.globals = thread_context.empty_globals()
        with self._context():
            source = parse.interview_source_from_string(self.yaml_filename)
            self.interview = parse.Interview(source=source)
        self.user_dict = parse.get_initial_dict()
        self.user_dict["_internal"]["tracker"] = 0
        self.user_dict["url_args"] = dict(url_args or {})
        self.user_email = user_email
        self.roles = list(roles)
        self.session_uid = "harness-session"
        self.history: list[str] = []
        self._pending_action: tuple[str, dict] | None = None
        self.last: Screen | None = None

    # -- contexts -------------------------------------------------------------------
    @contextmanager
    def _context(self) -> Iterator[None]:
        with self.thread_context.global_context(self.globals):
            yield

    def _current_info(self) -> dict[str, Any]:
        info = {
            "user": {
                "session_uid": self.session_uid,
                "device_id": "harness-device",
                "is_anonymous": False,
                "is_authenticated": True,
                "roles": list(self.roles),
                "the_user_id": 1,
                "theid": 1,
                "email": self.user_email,
                "firstname": "",
                "lastname": "",
                "nickname": "",
                "country": "US",
                "subdivisionfirst": "",
                "subdivisionsecond": "",
                "subdivisionthird": "",
                "organization": "",
                "timezone": "America/New_York",
                "language": "en",
                "location": None,
            },
            "session": "harness-session-id",
            "secret": "harness-secret",
            "yaml_filename": self.yaml_filename,
            "url": "http://localhost/interview",
            "url_root": "http://localhost/",
            "encrypted": False,
            "interface": "web",
            "arguments": dict(self.user_dict.get("url_args", {})),
            "headers": {},
            "clientip": "127.0.0.1",
            "method": "GET",
        }
        if self._pending_action is not None:
            info["action"], info["arguments"] = self._pending_action
            self._pending_action = None
        return info

    # -- the engine -----------------------------------------------------------------
    def screen(self) -> Screen:
        """Assemble and describe the question docassemble would show now."""
        from docassemble.base.thread_context import user_dict_context

        status = self.parse.InterviewStatus(current_info=self._current_info())
        with self._context(), user_dict_context(self.user_dict):
            self.interview.assemble(self.user_dict, status)
            screen = self._describe(status)
            self._render_fields(screen)
        self.last = screen
        self.history.append(screen.id)
        return screen

    @staticmethod
    def _render_fields(screen: Screen) -> None:
        """Build each field's HTML input with docassemble's own formatter, as the page does.

        Defaults, choices and limits reach the browser through ``input_for``; a default it
        cannot format (``"None"`` in a currency field, say) is a server error page in a real
        browser, so the harness fails on the same screen.
        """
        from docassemble.base.parse import from_safeid
        from docassemble.base.standardformatter import input_for

        status = screen.status
        if status.question.question_type != "fields":
            return
        for f in getattr(status.question, "fields", []):
            sub_fields = status.extras.get("sub_fields", {}).get(f.number)
            for item in sub_fields if sub_fields is not None else [f]:
                if not hasattr(item, "saveas") or not status.extras.get("ok", {}).get(item.number, True):
                    continue  # as_html skips a field whose ``show if`` code is false
                try:
                    input_for(status, item)
                except Exception as exc:  # noqa: BLE001 - any failure here is the page failing
                    raise AssertionError(f"screen {screen.id!r}: docassemble cannot render the field for {from_safeid(item.saveas)!r}: {type(exc).__name__}: {exc}") from exc

    def _describe(self, status: Any) -> Screen:
        from docassemble.base.parse import from_safeid

        question = status.question
        fields: list[FieldInfo] = []
        expanded = []
        for f in getattr(question, "fields", []):
            sub_fields = status.extras.get("sub_fields", {}).get(f.number)
            expanded.extend(sub_fields if sub_fields is not None else [f])  # ``fields: code:`` builds these at ask time
        for f in expanded:
            variable = self._concrete(from_safeid(f.saveas)) if hasattr(f, "saveas") else None
            choices: list[tuple[Any, str]] = []
            if f.number in getattr(status, "selectcompute", {}):
                for item in status.selectcompute[f.number]:
                    if isinstance(item, dict) and "key" in item:
                        choices.append((item["key"], str(item.get("label", item["key"]))))
                    elif isinstance(item, (list, tuple)):
                        choices.append((item[0], str(item[1] if len(item) > 1 else item[0])))
            required = status.extras.get("required", {}).get(f.number, True)
            label = status.labels.get(f.number) if hasattr(status, "labels") else None
            helptext = status.helptexts.get(f.number) if hasattr(status, "helptexts") else None
            hidden = status.extras.get("ok", {}).get(f.number, True) is False
            fields.append(FieldInfo(variable, getattr(f, "datatype", None), label, choices, bool(required), hidden=hidden, help=helptext, number=f.number))
        review_items: list[str] = []
        if question.question_type == "review":
            for f in getattr(question, "fields", []):
                if hasattr(f, "saveas"):
                    continue
                review_items.append(str(status.labels.get(f.number, "")) + " " + str(status.helptexts.get(f.number, "")))
        buttons = [(c.get("key"), str(c.get("label"))) for c in getattr(status, "selectcompute", {}).get(0, []) if isinstance(c, dict)] if question.question_type == "multiple_choice" else []
        return Screen(
            id=str(question.id or question.name),
            question_type=question.question_type,
            question_text=str(status.question_text or ""),
            subquestion_text=str(status.subquestion_text or ""),
            fields=fields,
            status=status,
            attachments=list(status.attachments or []),
            review_items=review_items,
            buttons=buttons,
        )

    def answer(self, values: Mapping[str, Any] | None = None) -> None:
        """Post answers to the current screen, as the server does."""
        screen = self.last or self.screen()
        values = dict(values or {})
        question = screen.status.question
        from docassemble.base.error import DAValidationError

        before = self._pickled()

        with self._context():
            from docassemble.base.thread_context import user_dict_context

            with user_dict_context(self.user_dict):
                if question.question_type in ("yesno", "noyes", "yesnomaybe", "noyesmaybe"):
                    variable = screen.variables[0]
                    values = {variable: values.get(variable, values.get("value"))}
                elif question.question_type == "settrue" and screen.variables:
                    values = {screen.variables[0]: True, **values}  # a continue button
                extra_ok = {self._concrete(getattr(question, a)) for a in ("fields_saveas", "review_saveas") if hasattr(question, a)}
                unknown = [k for k in values if k not in screen.variables and k not in extra_ok]
                if unknown:
                    raise KeyError(f"screen {screen.id} has no field(s) {unknown}; it has {screen.variables}")
                defaults = getattr(screen.status, "defaults", {}) or {}
                for f in screen.fields:
                    if f.variable in values and values[f.variable] is None and f.number in defaults and defaults[f.number] not in (None, ""):
                        values[f.variable] = defaults[f.number]  # a browser submits the pre-filled default
                    elif f.variable in values and values[f.variable] is None and f.choices and not f.required:
                        # an optional radio left unselected: the browser posts "None" (docassemble.webapp
                        # lists it in _checkboxes) and the server stores that string
                        values[f.variable] = "None"
                for attribute in ("fields_saveas", "review_saveas"):
                    if hasattr(question, attribute):
                        values.setdefault(self._concrete(getattr(question, attribute)), True)
                for name, value in values.items():
                    if name not in screen.variables:
                        self.user_dict["_harness_value"] = value
                        exec(f"{name} = _harness_value", self.user_dict)
                        continue
                    info = screen.field(name)
                    offered = [choice for choice, _label in info.choices]
                    if offered and info.datatype in ("radio", "dropdown", "combobox") and value not in (None, "None") and str(value) not in {str(c) for c in offered}:
                        # the browser can only post an offered value (a choice written {value: label} in
                        # `fields: code:` offers its label, not its value: issue 16's screening bug)
                        raise KeyError(f"screen {screen.id}: {name} = {value!r} is not offered; the choices post {offered}")
                    if info.datatype in ("checkboxes", "object_checkboxes") and isinstance(value, (list, tuple, set)):
                        # the server makes a DADict of every choice -> checked or not
                        from docassemble.base.util import DADict

                        checked = DADict(name, auto_gather=False, gathered=True)
                        for choice, _label in info.choices:
                            checked[choice] = choice in value
                        self.user_dict["_harness_value"] = checked
                    else:
                        self.user_dict["_harness_value"] = coerce(value, info.datatype)
                    exec(f"{name} = _harness_value", self.user_dict)
                self.user_dict.pop("_harness_value", None)
                if question.validation_code is not None:
                    try:
                        exec(question.validation_code, self.user_dict)
                    except DAValidationError as exc:
                        self._restore(before)  # the server discards a refused screen's answers
                        self.last = None
                        raise Rejected(screen.id, str(exc), exc.field) from None
                if question.is_mandatory and question.name:
                    self.user_dict["_internal"]["answered"].add(question.name)
                stack = self.user_dict["_internal"].get("event_stack", {}).get(self.session_uid, [])
                if stack and stack[0]["action"] in values:
                    stack.pop(0)
        self._save_and_reload()
        self.last = None

    def _pickled(self) -> bytes:
        from docassemble.base.functions import pickleable_objects

        return pickle.dumps(pickleable_objects(self.user_dict))

    def _restore(self, saved: bytes) -> None:
        self.user_dict = pickle.loads(saved)  # noqa: S301 - our own answers, pickled a moment ago
        with self._context():
            self.interview.populate_non_pickleable(self.user_dict)

    def _save_and_reload(self) -> None:
        """The server pickles the answers between requests; so does the harness (unpicklable answers fail here)."""
        self._restore(self._pickled())

    def _concrete(self, variable: str) -> str:
        """``case.children[i].full_name`` -> ``case.children[0].full_name``, as the server names the input."""

        def index(match: re.Match[str]) -> str:
            name = match.group(1)
            return f"[{self.user_dict[name]!r}]" if name in self.user_dict else match.group(0)

        if re.match(r"x[.\[]", variable) and "x" in self.user_dict:
            variable = self.user_dict["x"].instanceName + variable[1:]
        return re.sub(r"\[([ijklmn])\]", index, variable)

    def uploaded(self, variable: str, path: str | Path) -> Any:
        """The ``DAFileList`` the server makes for a file posted to ``variable`` (the file copied into storage)."""
        from docassemble.base.hooks import file_number_finder, get_new_file_number
        from docassemble.base.util import DAFile, DAFileList

        source = Path(path)
        with self._context():
            number = get_new_file_number(None, source.name, self.yaml_filename)
            target = Path(file_number_finder(number)["path"])
            shutil.copyfile(source, target)
            ext, mime = _ext_and_mime(source.name)
            item = DAFile(f"{variable}[0]", filename=source.name, number=number, mimetype=mime, extension=ext)
            return DAFileList(variable, elements=[item])

    def signature(self, variable: str, png: bytes) -> Any:
        """The DAFile the server makes from a signature pad's PNG posted to ``variable``."""
        from docassemble.base.hooks import file_number_finder, get_new_file_number
        from docassemble.base.util import DAFile

        with self._context():
            number = get_new_file_number(None, "signature.png", self.yaml_filename)
            Path(file_number_finder(number)["path"]).write_bytes(png)
            return DAFile(variable, filename="signature.png", number=number, mimetype="image/png", extension="png")

    def review_actions(self) -> dict[str, dict[str, Any]]:
        """The review screen's Edit buttons: button text -> the action it sends."""
        screen = self.last or self.screen()
        actions = {}
        for f in screen.status.question.fields:
            action = getattr(f, "action", None)
            if action:
                text = str(screen.status.helptexts.get(f.number, "") or screen.status.labels.get(f.number, ""))
                actions[text] = action
        return actions

    def edit(self, text: str) -> None:
        """Press the Edit button of the review item whose text contains ``text``."""
        matches = {k: v for k, v in self.review_actions().items() if text in k}
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} review items contain {text!r}")
        action = next(iter(matches.values()))
        self.action(action["action"], **action.get("arguments", {}))

    def action(self, name: str, **arguments: Any) -> None:
        """Run an action on the next screen (an Edit button on a review screen, a url_action)."""
        self._pending_action = (name, dict(arguments))
        self.last = None

    def value(self, expression: str) -> Any:
        with self._context():
            from docassemble.base.thread_context import user_dict_context

            with user_dict_context(self.user_dict):
                return eval(expression, self.user_dict)

    def html(self, screen: Screen) -> str:
        """The screen's subquestion as the server turns it into HTML (docassemble's own Markdown filter)."""
        from docassemble.base.filter.html import markdown_to_html
        from docassemble.base.thread_context import user_dict_context

        with self._context(), user_dict_context(self.user_dict):
            return str(markdown_to_html(screen.subquestion_text, status=screen.status))

    def file_path(self, expression: str) -> Path:
        """Where a DAFile the interview made is stored (``file_path("agreement_files['pdf']")``)."""
        return Path(self.value(f"{expression}.path()"))

    def run(self, answerer: Callable[[Screen], Mapping[str, Any] | None], *, until: Callable[[Screen], bool], limit: int = 400) -> list[str]:
        """Answer screen after screen with ``answerer`` until ``until(screen)``; the ids seen."""
        seen: list[str] = []
        for _ in range(limit):
            screen = self.screen()
            seen.append(screen.id)
            if until(screen):
                return seen
            self.answer(answerer(screen))
        raise AssertionError(f"no final screen after {limit} steps: {seen[-20:]}")


def coerce(value: Any, datatype: str | None) -> Any:
    """The Python value the server would store for a posted value of ``datatype``."""
    if value is None:
        return None
    if datatype == "date":
        from docassemble.base.util import as_datetime

        if isinstance(value, str):
            value = _dt.date.fromisoformat(value)
        return as_datetime(_dt.datetime(value.year, value.month, value.day))
    if datatype == "time":
        if isinstance(value, str):
            return _dt.time.fromisoformat(value)
        return value
    if datatype in ("currency", "number", "float"):
        return float(value) if not isinstance(value, float) else value
    if datatype in ("integer", "range"):
        return int(value)
    if datatype in ("yesno", "noyes", "yesnowide", "noyeswide", "boolean", "yesnoradio", "noyesradio"):
        if isinstance(value, str):
            return value.strip().lower() in ("true", "yes", "1", "on")
        return bool(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


# --------------------------------------------------------------------------- answering from a case file

_TOKEN = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[('[^']*'|\"[^\"]*\")\]")


def _tokens(path: str) -> list[Any]:
    out: list[Any] = []
    for name, index, key in _TOKEN.findall(path):
        if name:
            out.append(name)
        elif index:
            out.append(int(index))
        else:
            out.append(key[1:-1])
    return out


_MISSING = object()


def _lookup(data: Any, tokens: list[Any]) -> Any:
    current = data
    for token in tokens:
        if isinstance(token, int):
            if not isinstance(current, list) or token >= len(current):
                return _MISSING
            current = current[token]
        else:
            if not isinstance(current, Mapping) or token not in current:
                return _MISSING
            current = current[token]
    return current


class CaseFileAnswers:
    """Answers each ``case.…`` field from a case file's data, the way a mediator copying it would.

    ``extra`` answers the screens that are not case data (keyed by question id,
    then variable), e.g. ``{"start": {"start_from": "new"}}``.
    """

    def __init__(
        self,
        data: Mapping[str, Any],
        driver: InterviewDriver,
        extra: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        holidays: str = "one by one",
    ) -> None:
        """``holidays``: ``"one by one"`` (nothing ticked in the list; each holiday on its own screen,
        in the file's order) or ``"list"`` (ticked from the list, as a mediator usually would; the
        interview then holds them in the list's order, and only the ones that differ from their usual
        times get a screen)."""
        self.data = data
        self.driver = driver
        self.extra = extra or {}
        self.holidays = HolidayListAnswers(data, enabled=holidays == "list")

    def __call__(self, screen: Screen) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        if screen.question_type in ("settrue", "review"):
            return answers
        for f in screen.fields:
            if f.variable is None or f.hidden:
                continue
            if screen.id in self.extra and f.variable in self.extra[screen.id]:
                answers[f.variable] = self.extra[screen.id][f.variable]
            elif self.holidays.answers(f.variable):
                answers[f.variable] = self.holidays.value(f.variable)
            elif f.variable.startswith("case."):
                answers[f.variable] = self.value_for(f.variable)
                if answers[f.variable] is None and screen.id == "holiday details" and not f.required and f.datatype in (None, "text"):
                    answers[f.variable] = ""  # the usual value shown (a split date, say) is cleared where the file has none
            else:
                raise AssertionError(f"screen {screen.id!r}: no answer for {f.variable!r}; give one in extra={{{screen.id!r}: {{{f.variable!r}: ...}}}}")
        return answers

    def value_for(self, variable: str) -> Any:
        tokens = self.holidays.file_path(_tokens(variable[len("case."):]))
        last = tokens[-1]
        if last == "there_is_another":
            items = _lookup(self.data, tokens[:-1])
            so_far = self.driver.value(f"len({variable.rsplit('.', 1)[0]}.elements)")
            return so_far < (len(items) if isinstance(items, list) else 0)
        if last == "there_are_any":
            items = _lookup(self.data, tokens[:-1])
            return isinstance(items, list) and len(items) > 0
        if isinstance(last, str) and last.startswith("has_"):
            return _lookup(self.data, [*tokens[:-1], last[4:]]) not in (_MISSING, None)
        value = _lookup(self.data, tokens)
        if value is _MISSING:
            return None
        if isinstance(value, list) and all(not isinstance(v, (Mapping, list)) for v in value):
            return "\n".join(str(v) for v in value)
        return value

