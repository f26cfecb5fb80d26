"""The case store: cases, immutable drafts and a hash-chained, MAC-protected, encrypted event log.

Rooms: :mod:`.case_store` (opening a store, upgrading an old one, cases,
sessions), :mod:`.session` (one case inside one transaction), :mod:`.event_log`
(the hash chain and its MAC chain), :mod:`.keys` (AES-256-GCM at rest, the
MAC key), :mod:`.database` (the SQL schema and engines), :mod:`.records`
(what is read back).  The store knows nothing of
agreements; :mod:`..review` gives its events meaning.
"""

from __future__ import annotations

from .case_store import DEFAULT_URL, KEY_FILE_ENV, URL_ENV, CaseStore, StoreSettings, open_store
from .event_log import (
    ACTORS,
    ZERO_HASH,
    LogEvent,
    canonical_json,
    event_hash,
    event_mac,
    head_mac,
    iso_z,
    mac_problems,
    parse_iso_z,
    payload_sha256,
    salted,
    sha256_hex,
    utc_now,
    verify_chain,
)
from .keys import KEY_ENV, PREVIOUS_KEYS_ENV, FieldCipher, derive_log_mac_key, generate_key, key_id, parse_key
from .records import CaseRecord, DraftRecord, FinalRecord, TokenRecord
from .session import CaseSession

__all__ = [
    "salted",
    "ACTORS",
    "CaseRecord",
    "CaseSession",
    "CaseStore",
    "DEFAULT_URL",
    "DraftRecord",
    "FieldCipher",
    "FinalRecord",
    "KEY_ENV",
    "KEY_FILE_ENV",
    "PREVIOUS_KEYS_ENV",
    "LogEvent",
    "StoreSettings",
    "TokenRecord",
    "URL_ENV",
    "ZERO_HASH",
    "canonical_json",
    "derive_log_mac_key",
    "event_hash",
    "event_mac",
    "generate_key",
    "head_mac",
    "iso_z",
    "key_id",
    "mac_problems",
    "open_store",
    "parse_iso_z",
    "parse_key",
    "payload_sha256",
    "sha256_hex",
    "utc_now",
    "verify_chain",
]
