"""Store keys and encryption at rest: AES-256-GCM for every sensitive value.

A key is urlsafe base64 of 32 bytes (``MEDIATION_STORE_KEY``).  Each sealed
value carries a marker byte, the 8-byte id of the key that sealed it, a
12-byte nonce and the ciphertext; its associated data names the row it belongs
to, so a value copied elsewhere fails to open.  ``cryptography`` is imported
only when a key is in use.

Key rotation: the key id (:func:`key_id`, HKDF of the key, safe to show) lets
a store hold values sealed under several keys.  New values are sealed with the
current key; a value is opened with the key its id names, from the current key
and the previous ones (``MEDIATION_STORE_PREVIOUS_KEYS``).  So a new key can be
put in service without re-encrypting anything offline; the previous keys stay
configured for as long as values sealed with them are kept.  Values written
before key ids (marker ``\x01``) are opened by trying each configured key.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from typing import Any

from ..errors import ConfigError, StoreError

KEY_ENV = "MEDIATION_STORE_KEY"
PREVIOUS_KEYS_ENV = "MEDIATION_STORE_PREVIOUS_KEYS"
"""Keys the store was keyed with before the current one, comma-separated (rotation)."""
KEY_CHECK = b"docassemble.MediationAgreement case store key check"
LOG_MAC_INFO = b"docassemble.MediationAgreement event-log HMAC-SHA256 v1"
"""HKDF ``info``: the log's MAC key is derived from the store key, never stored."""
KEY_ID_INFO = b"docassemble.MediationAgreement store key id v1"
_PLAIN = b"\x00"
_SEALED = b"\x01"  # before key ids: nonce + ciphertext
_SEALED_WITH_ID = b"\x02"  # key id (8 bytes) + nonce + ciphertext


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


def key_id(key: bytes) -> str:
    """The key's public id (16 hex digits): HKDF-SHA256 of the key, so it names the key without revealing it."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return bytes(HKDF(algorithm=hashes.SHA256(), length=8, salt=None, info=KEY_ID_INFO).derive(key)).hex()


def parse_previous_keys(text: str | None, *, source: str = PREVIOUS_KEYS_ENV) -> tuple[bytes, ...]:
    """Previous store keys from a comma-separated list (blank: none)."""
    return tuple(parse_key(part, source=f"{source} (item {n})") for n, part in enumerate((text or "").split(","), 1) if part.strip())


class FieldCipher:
    """AES-256-GCM for values at rest; the identity (marked as plaintext) without a key.

    ``key`` seals; it and ``previous`` open (each value names its key by id).
    """

    def __init__(self, key: bytes | None, previous: tuple[bytes, ...] = ()) -> None:
        self.encrypted = key is not None
        self.key_id: str | None = None
        self._keys: dict[bytes, tuple[bytes, Any]] = {}  # key id -> (the key, its AES-GCM)
        if key is not None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            for one in (key, *previous):
                self._keys.setdefault(bytes.fromhex(key_id(one)), (one, AESGCM(one)))
            self.key_id = key_id(key)
            self._current = bytes.fromhex(self.key_id)

    @property
    def key_ids(self) -> list[str]:
        """The ids of every key this cipher holds, the current one first."""
        return [k.hex() for k in self._keys]

    def seal(self, data: bytes, where: str) -> bytes:
        if self.key_id is None:
            return _PLAIN + data
        nonce = os.urandom(12)
        return _SEALED_WITH_ID + self._current + nonce + bytes(self._keys[self._current][1].encrypt(nonce, data, where.encode("utf-8")))

    @staticmethod
    def sealed_with(blob: bytes) -> str | None:
        """The id of the key a value was sealed with (``None``: plaintext, or sealed before key ids)."""
        blob = bytes(blob)
        return blob[1:9].hex() if blob[:1] == _SEALED_WITH_ID else None

    def open(self, blob: bytes, where: str) -> bytes:
        blob = bytes(blob)
        marker = blob[:1]
        if marker == _PLAIN:
            if self.encrypted:
                raise StoreError(f"{where}: stored in plaintext inside an encrypted store (written by something else)")
            return blob[1:]
        if marker not in (_SEALED, _SEALED_WITH_ID):
            raise StoreError(f"{where}: stored value is damaged (unknown format)")
        if not self.encrypted:
            raise ConfigError(f"{where}: the value is encrypted but no store key was given", hint=f"set {KEY_ENV}")
        kid = self.sealed_with(blob)
        if kid is not None and bytes.fromhex(kid) not in self._keys:
            raise StoreError(
                f"{where}: sealed with store key {kid}, which is not among the keys given ({', '.join(self.key_ids)})",
                hint=f"give that key as {KEY_ENV} or in {PREVIOUS_KEYS_ENV}",
            )
        opened = self._open(blob, where)
        if opened is None:
            raise StoreError(f"{where}: encrypted value fails authentication (altered, moved from another row, or sealed with another key)")
        return opened[1]

    def opening_key(self, blob: bytes, where: str) -> bytes | None:
        """The key (raw bytes) that opens ``blob``, or ``None`` when none of the keys does."""
        opened = self._open(bytes(blob), where) if self.encrypted else None
        return opened[0] if opened is not None else None

    def _open(self, blob: bytes, where: str) -> tuple[bytes, bytes] | None:
        """(key, plaintext) for a sealed value: the key its id names, or (before key ids) each key in turn."""
        from cryptography.exceptions import InvalidTag

        if blob[:1] == _SEALED_WITH_ID:
            entry = self._keys.get(blob[1:9])
            candidates = [entry] if entry is not None else []
            body = blob[9:]
        elif blob[:1] == _SEALED:
            candidates, body = list(self._keys.values()), blob[1:]
        else:
            return None
        for raw, aead in candidates:
            try:
                return raw, bytes(aead.decrypt(body[:12], body[12:], where.encode("utf-8")))
            except InvalidTag:
                continue
        return None
