"""Store keys and encryption at rest: AES-256-GCM for every sensitive value.

A key is urlsafe base64 of 32 bytes (``MEDIATION_STORE_KEY``).  Each sealed
value carries a marker byte (plaintext or sealed), a 12-byte nonce and the
ciphertext; its associated data names the row it belongs to, so a value
copied elsewhere fails to open.  ``cryptography`` is imported only when a key
is in use.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from typing import Any

from ..errors import ConfigError, StoreError

KEY_ENV = "MEDIATION_STORE_KEY"
KEY_CHECK = b"docassemble.MediationAgreement case store key check"
LOG_MAC_INFO = b"docassemble.MediationAgreement event-log HMAC-SHA256 v1"
"""HKDF ``info``: the log's MAC key is derived from the store key, never stored."""
_PLAIN = b"\x00"
_SEALED = b"\x01"


# --------------------------------------------------------------------------- keys and encryption


def generate_key() -> str:
    """A new store key: urlsafe base64 of 32 random bytes (give it as ``MEDIATION_STORE_KEY``)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def parse_key(value: str | bytes, *, source: str = KEY_ENV) -> bytes:
    """Decode a configured key; raw 32 bytes are accepted as they are."""
    if isinstance(value, bytes) and len(value) == 32:
        return value
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    text = text.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32 or not text:
        raise ConfigError(
            f"{source} is not a valid store key: expected urlsafe base64 of 32 bytes",
            hint="make one with `mediation-agreement case keygen`",
        )
    return raw


def derive_log_mac_key(key: bytes) -> bytes:
    """The key of the event log's HMAC chain: HKDF-SHA256 of the store key (``info`` :data:`LOG_MAC_INFO`).

    A separate key, so the MACs and the AES-GCM encryption never share one; it is
    derived each time the store is opened and never written anywhere.
    """
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return bytes(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=LOG_MAC_INFO).derive(key))


class FieldCipher:
    """AES-256-GCM for values at rest; the identity (marked as plaintext) without a key."""

    def __init__(self, key: bytes | None) -> None:
        self.encrypted = key is not None
        if key is not None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            self._aead: Any = AESGCM(key)

    def seal(self, data: bytes, where: str) -> bytes:
        if not self.encrypted:
            return _PLAIN + data
        nonce = os.urandom(12)
        return _SEALED + nonce + bytes(self._aead.encrypt(nonce, data, where.encode("utf-8")))

    def open(self, blob: bytes, where: str) -> bytes:
        from cryptography.exceptions import InvalidTag

        blob = bytes(blob)
        marker, body = blob[:1], blob[1:]
        if marker == _PLAIN:
            if self.encrypted:
                raise StoreError(f"{where}: stored in plaintext inside an encrypted store (written by something else)")
            return body
        if marker != _SEALED:
            raise StoreError(f"{where}: stored value is damaged (unknown format)")
        if not self.encrypted:
            raise ConfigError(f"{where}: the value is encrypted but no store key was given", hint=f"set {KEY_ENV}")
        try:
            return bytes(self._aead.decrypt(body[:12], body[12:], where.encode("utf-8")))
        except InvalidTag:
            raise StoreError(f"{where}: encrypted value fails authentication (altered, moved from another row, or sealed with another key)") from None
