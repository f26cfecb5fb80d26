"""What the server is configured with, and how the engine's messages reach a screen.

The ``mediation agreement`` key of docassemble's configuration (and, for the
clause libraries, of an interview's ``metadata``) names:

* ``libraries``: the ordered clause libraries (folders, or references such as
  ``docassemble.MaricopaOverlay:data/sources/clauses``);
* ``state overlay``: ``false`` to leave out the package's overlay for the
  case's ``court.state`` (``clauses/overlays/<state>/``), which is otherwise
  laid right after the package's library, before the libraries above; like
  ``libraries``, an interview's ``metadata`` may set it;
* ``store url``, ``store key`` / ``store key file``: the review rounds' case
  store (unset values come from ``MEDIATION_STORE_URL`` /
  ``MEDIATION_STORE_KEY`` / ``MEDIATION_STORE_KEY_FILE``, as for the CLI);
* ``signing key file``, ``signing certificate file``, ``signing chain files``,
  ``signing key passphrase``: the office seal for executed agreements
  (unset: the ``MEDIATION_SIGNING_*`` variables, see docs/signing.md);
* ``review round privileges``: who may send drafts to parents and seal
  (default ``[admin, advocate]``);
* ``font paths``: folders of fonts for names the bundled fonts cannot show
  (Chinese, Japanese, Korean, Arabic, Hebrew), e.g.
  ``[/usr/share/fonts/opentype/noto, /usr/share/fonts/truetype/dejavu]``.

The clause library and the case store are opened once per server process.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docassemble.base.util import all_variables, get_config

from ..errors import ConfigError, MediationError
from ..library.clauses import ClauseLibrary, default_library_dir, load_library, with_state_overlay

CONFIG_KEY = "mediation agreement"
DEFAULT_ROUND_PRIVILEGES = ("admin", "advocate")


def server_settings() -> Mapping[str, Any]:
    """The ``mediation agreement`` section of the server configuration (empty when absent)."""
    config = get_config(CONFIG_KEY) or {}
    return config if isinstance(config, Mapping) else {}


def plain(message: str) -> str:
    """Engine messages name fields in snake_case; show them as words."""
    text = message.strip()
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------- clause libraries


def _metadata_settings() -> Mapping[str, Any]:
    """The ``mediation agreement`` section of the running interview's ``metadata`` (empty when absent)."""
    try:
        metadata = all_variables(special="metadata") or {}
    except (AttributeError, KeyError, TypeError):
        metadata = {}
    in_metadata = metadata.get(CONFIG_KEY) if isinstance(metadata, Mapping) else None
    return in_metadata if isinstance(in_metadata, Mapping) else {}


def configured_libraries() -> list[Path]:
    """The ordered clause libraries: interview metadata, else server configuration, else the package's own."""
    entries: Any = _metadata_settings().get("libraries")
    if not entries:
        entries = server_settings().get("libraries")
    if not entries:
        return [default_library_dir()]
    if isinstance(entries, str):
        entries = [entries]
    return [resolve_library(str(e)) for e in entries]


def configured_referrals() -> list[Path]:
    """The office's resource folders (``mediation agreement: referrals``), laid over the package's national ones."""
    entries: Any = _metadata_settings().get("referrals") or server_settings().get("referrals") or []
    if isinstance(entries, str):
        entries = [entries]
    return [resolve_library(str(e)) for e in entries]


def configured_next_steps() -> Path | None:
    """The office's own next-steps wording (``mediation agreement: next steps``), else the package's."""
    entry: Any = _metadata_settings().get("next steps") or server_settings().get("next steps")
    return resolve_library(str(entry)) if entry else None


def resolve_library(entry: str) -> Path:
    """A folder path, or ``docassemble.Package:data/sources/folder`` inside an installed package."""
    match = re.fullmatch(r"([A-Za-z_][\w.]*):(.+)", entry)
    if match is None:
        return Path(entry)
    package, rest = match.groups()
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise MediationError(f"clause library package '{package}' is not installed", hint=f"install it or fix '{CONFIG_KEY}: libraries' in the configuration")
    return Path(next(iter(spec.submodule_search_locations))) / rest


def state_overlay_enabled() -> bool:
    """``state overlay`` from the interview metadata, else the server configuration; on by default."""
    for settings in (_metadata_settings(), server_settings()):
        value = settings.get("state overlay")
        if value is not None:
            if isinstance(value, str):
                return value.strip().lower() not in ("false", "no", "off", "0")
            return bool(value)
    return True


_LIBRARY_CACHE: dict[tuple[str, ...], ClauseLibrary] = {}
_LIBRARY_CACHE_SIZE = 16  # the configured stack with each state's overlay


_FONTS_CONFIGURED: list[bool] = []


def configure_fonts() -> None:
    """Add the server's ``font paths`` to every PDF this process typesets (read once per process)."""
    if _FONTS_CONFIGURED:
        return
    from ..render.typesetting import use_font_paths

    entries: Any = server_settings().get("font paths") or []
    if isinstance(entries, str):
        entries = [entries]
    try:
        use_font_paths([str(e) for e in entries])
    except MediationError as exc:
        raise ConfigError(f"'{CONFIG_KEY}: font paths': {exc}") from None
    _FONTS_CONFIGURED.append(True)


def clause_library(state: str | None = None) -> ClauseLibrary:
    """The configured clause library, with the overlay for ``state`` (a case's ``court.state``); each stack read once per process."""
    configure_fonts()  # every draft, redline and seal starts from the library
    dirs = with_state_overlay(configured_libraries(), state, enabled=state_overlay_enabled())
    key = tuple(str(d) for d in dirs)
    if key not in _LIBRARY_CACHE:
        if len(_LIBRARY_CACHE) >= _LIBRARY_CACHE_SIZE:
            _LIBRARY_CACHE.clear()
        _LIBRARY_CACHE[key] = load_library(dirs)
    return _LIBRARY_CACHE[key]



# --------------------------------------------------------------------------- the case store and the seal


def review_store() -> Any:
    """The case store named in the configuration (``mediation agreement: store url``, ``store key``);
    unset values come from ``MEDIATION_STORE_URL`` / ``MEDIATION_STORE_KEY`` as for the CLI."""
    from ..store import open_store

    config = server_settings()
    previous = config.get("store previous keys") or ()  # after a key rotation (docs/server.md)
    previous = (previous,) if isinstance(previous, str) else tuple(previous)
    named = (config.get("store url"), config.get("store key"), config.get("store key file"), previous)
    fallback = tuple(os.environ.get(v) for v in ("MEDIATION_STORE_URL", "MEDIATION_STORE_KEY", "MEDIATION_STORE_KEY_FILE", "MEDIATION_STORE_PREVIOUS_KEYS"))
    store = _STORES.get((*named, *fallback))
    if store is None:  # one store (one engine and connection pool) per server process, not one per screen
        store = _STORES[(*named, *fallback)] = open_store(named[0], named[1], key_file=named[2], create=False, previous_keys=previous or None)
    return store


_STORES: dict[tuple[Any, ...], Any] = {}


def signing_config() -> Any:
    """The office seal (``signing.SigningConfig``) from the configuration, else from ``MEDIATION_SIGNING_*``."""
    from ..signing.signatures import SigningConfig

    config = server_settings()
    key, cert = config.get("signing key file"), config.get("signing certificate file")
    if not key and not cert:
        return SigningConfig.from_env()
    if not key or not cert:
        missing = "signing key file" if not key else "signing certificate file"
        raise ConfigError(f"'{CONFIG_KEY}: {missing}' is not set in the configuration", hint="set both the key and the certificate of the office seal")
    chain = config.get("signing chain files") or ()
    chain = [chain] if isinstance(chain, str) else list(chain)
    return SigningConfig.from_paths(str(key or ""), str(cert or ""), chain, passphrase=config.get("signing key passphrase"))


def is_office_staff() -> bool:
    """Signed in with a privilege that may run a review round (parents never sign in)."""
    from docassemble.base.util import user_has_privilege, user_logged_in

    return bool(user_logged_in() and user_has_privilege(round_privileges()))


def round_privileges() -> list[str]:
    """The docassemble privileges that may run a review round (send drafts, sign as mediator, seal)."""
    named = server_settings().get("review round privileges") or list(DEFAULT_ROUND_PRIVILEGES)
    return [named] if isinstance(named, str) else [str(p) for p in named]
