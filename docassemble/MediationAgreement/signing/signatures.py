"""Capturing a party's electronic signature, and the office's sealing configuration.

A parent (or the mediator) signs by drawing on a signature pad or by typing
their name, after reading the office's consent text and confirming that they
intend the mark to be their signature.  :func:`capture_signature` checks what
arrived and returns a :class:`SignatureCapture`; its
:meth:`~SignatureCapture.to_event_payload` is what the case store records in
the hash-chained log (the time of signing is that event's time), and
:meth:`~SignatureCapture.from_event_payload` rebuilds the capture from the log,
so an executed PDF can always be rebuilt from the store alone.

>>> capture = capture_signature(
...     "a", method="typed", typed_name="Alex Rivera",
...     intent_confirmed=True, consent_text="I agree to sign electronically.")
>>> payload = capture.to_event_payload("ab" * 32, {"ip": "203.0.113.7"})
>>> payload["method"], payload["consent_sha256"][:12]
('typed', 'ed3bb7dddc44')

This module imports no PDF or cryptography library; sealing lives in
:mod:`.seal` and checking in :mod:`.verify`.

What is recorded is evidence, not a legal conclusion: the federal ESIGN Act
excludes family-law matters, so whether an electronic signature binds here
depends on the state's UETA and the court's rules (see ``docs/signing.md``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import re
import struct
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, cast, get_args

from ..errors import ConfigError, SignatureError

__all__ = [
    "DEFAULT_INTENT_STATEMENT",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_HEIGHT",
    "MAX_IMAGE_WIDTH",
    "SIGNATURE_PAYLOAD_FORMAT",
    "Party",
    "SignatureCapture",
    "SignatureMethod",
    "SigningConfig",
    "bind_signer_name",
    "capture_signature",
    "check_signature_png",
    "is_signature_payload",
    "name_key",
    "names_match",
    "sha256_hex",
    "trimmed_signature_png",
]

Party = Literal["a", "b", "mediator"]
SignatureMethod = Literal["drawn", "typed"]

MAX_IMAGE_BYTES = 512 * 1024
"""Largest signature image accepted (a signature pad's PNG is typically 5–60 KB)."""
MAX_IMAGE_WIDTH = 3000
MAX_IMAGE_HEIGHT = 1500
"""Largest signature image dimensions in pixels (a 3x HiDPI pad is about 1800 x 600)."""
MIN_IMAGE_SIDE = 16
MIN_INK_PIXELS = 40
"""A drawn signature must have at least this many pixels that differ clearly from the background."""
_INK_CONTRAST = 48
"""Grey-level difference from the background colour (0–255) that counts as ink."""
MAX_NAME_LENGTH = 200
MAX_CLIENT_FIELD_LENGTH = 1000

DEFAULT_INTENT_STATEMENT = (
    "I intend this electronic signature to be my signature on this agreement, "
    "with the same effect as signing it by hand."
)
"""Shown next to the "I confirm" box.  Offices may pass their own wording (kept in their clause library)."""

SIGNATURE_PAYLOAD_FORMAT = "signature/1"
"""Value of the ``format`` key that marks a log event payload as a signature."""

CLIENT_FIELDS = ("ip", "user_agent")
"""What the interview may report about the signer's device."""

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def sha256_hex(data: bytes | str) -> str:
    """SHA-256 of ``data`` (a str is hashed as UTF-8, exactly as given), lower-case hex."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


@dataclass(frozen=True)
class SignatureCapture:
    """One party's signature as captured, before it is logged and applied.

    ``consent_sha256`` is the SHA-256 of ``consent_text`` exactly as shown to
    the signer (UTF-8, no normalisation); ``intent`` is the statement they
    confirmed.  ``signer_name`` is the legal name the signature is made for
    (the name printed under the signature line), once known: a typed
    signature must match it (:func:`names_match`).  Build one with
    :func:`capture_signature`, which validates.
    """

    party: Party
    method: SignatureMethod
    image_png: bytes | None = field(repr=False)
    typed_name: str | None
    consent_text: str
    consent_sha256: str
    intent: str
    signer_name: str | None = None

    @property
    def image_sha256(self) -> str | None:
        """SHA-256 of the drawn image, or None for a typed signature."""
        return sha256_hex(self.image_png) if self.image_png is not None else None

    def to_event_payload(self, draft_sha256: str, client: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The payload the case store records for this signature.

        ``draft_sha256`` is the hash of the document version being signed;
        ``client`` may carry ``ip`` and ``user_agent`` as reported by the web
        server (recorded as given: a self-hosted server can be wrong about them).
        The time of signing is the log event's own time, not part of the payload.
        The image travels base64-encoded so the executed PDF can be rebuilt.
        ``signer_name`` is recorded when known (it always is for signatures
        made through :func:`.review.sign`).
        """
        if not isinstance(draft_sha256, str) or not _SHA256_HEX.fullmatch(draft_sha256):
            raise SignatureError("must be 64 lower-case hex digits (SHA-256 of the signed draft)", field_path="draft_sha256")
        payload = {
            "format": SIGNATURE_PAYLOAD_FORMAT,
            "party": self.party,
            "method": self.method,
            "typed_name": self.typed_name,
            "intent": self.intent,
            "consent_text": self.consent_text,
            "consent_sha256": self.consent_sha256,
            "draft_sha256": draft_sha256,
            "image_sha256": self.image_sha256,
            "image_png_b64": base64.b64encode(self.image_png).decode("ascii") if self.image_png is not None else None,
            "client": _check_client(client),
        }
        if self.signer_name is not None:
            payload["signer_name"] = self.signer_name
        return payload

    @classmethod
    def from_event_payload(cls, payload: Mapping[str, Any]) -> SignatureCapture:
        """Rebuild a capture from a logged payload, checking it as on capture.

        Raises :class:`SignatureError` if the payload is not a signature, or its
        recorded hashes do not match the text and image it carries.
        """
        if not is_signature_payload(payload):
            raise SignatureError(f"not a signature payload (format {payload.get('format')!r})", field_path="format")
        image: bytes | None = None
        encoded = payload.get("image_png_b64")
        if encoded is not None:
            try:
                image = base64.b64decode(str(encoded), validate=True)
            except (binascii.Error, ValueError):
                raise SignatureError("is not valid base64", field_path="image_png_b64") from None
        capture = capture_signature(
            str(payload.get("party")),
            method=str(payload.get("method")),
            image_png=image,
            typed_name=payload.get("typed_name"),
            intent_confirmed=True,
            consent_text=str(payload.get("consent_text") or ""),
            intent_statement=str(payload.get("intent") or ""),
            signer_name=payload.get("signer_name"),
        )
        if capture.consent_sha256 != payload.get("consent_sha256"):
            raise SignatureError("does not match the recorded consent text", field_path="consent_sha256")
        if capture.image_sha256 != payload.get("image_sha256"):
            raise SignatureError("does not match the recorded image", field_path="image_sha256")
        return capture

    def matches_payload(self, payload: Mapping[str, Any]) -> bool:
        """Whether a logged payload records this very signature (party, method, mark, consent)."""
        return (
            is_signature_payload(payload)
            and payload.get("party") == self.party
            and payload.get("method") == self.method
            and payload.get("typed_name") == self.typed_name
            and payload.get("consent_sha256") == self.consent_sha256
            and payload.get("image_sha256") == self.image_sha256
            and payload.get("signer_name") == self.signer_name
        )


def is_signature_payload(payload: Mapping[str, Any]) -> bool:
    """Whether a log event's payload is a signature recorded by :meth:`SignatureCapture.to_event_payload`."""
    return isinstance(payload, Mapping) and payload.get("format") == SIGNATURE_PAYLOAD_FORMAT


def capture_signature(
    party: str,
    *,
    method: str,
    image_png: bytes | None = None,
    typed_name: str | None = None,
    intent_confirmed: bool,
    consent_text: str,
    intent_statement: str = DEFAULT_INTENT_STATEMENT,
    signer_name: str | None = None,
) -> SignatureCapture:
    """Check one signature as it arrives from the interview and return it.

    ``method='drawn'`` needs ``image_png``: a real PNG, at most
    :data:`MAX_IMAGE_BYTES` and :data:`MAX_IMAGE_WIDTH` x :data:`MAX_IMAGE_HEIGHT`,
    with visible strokes (not blank, not fully transparent, not one flat
    colour).  ``method='typed'`` needs ``typed_name``, and when ``signer_name``
    (the signer's legal name, as the agreement prints it) is given, the typed
    name must be that name (:func:`names_match`).  :func:`.review.sign` binds
    every signature to the legal name in the case whether or not it is given
    here.  Either way the signer must have confirmed ``intent_statement``
    (``intent_confirmed=True``) after being shown ``consent_text``.  Errors are
    :class:`SignatureError` naming the field.
    """
    if party not in get_args(Party):
        raise SignatureError(f"unknown party {party!r}; expected one of: a, b, mediator", field_path="party")
    if method not in get_args(SignatureMethod):
        raise SignatureError(f"unknown method {method!r}; expected 'drawn' or 'typed'", field_path="method")
    if intent_confirmed is not True:
        raise SignatureError("the signer did not confirm the intent to sign", field_path="intent_confirmed")
    if not isinstance(consent_text, str) or not consent_text.strip():
        raise SignatureError("is empty: show the signer the consent text and pass it here", field_path="consent_text")
    if not isinstance(intent_statement, str) or not intent_statement.strip():
        raise SignatureError("is empty", field_path="intent_statement")
    name = _check_name(typed_name) if typed_name is not None else None
    if method == "drawn":
        if image_png is None:
            raise SignatureError("is missing: a drawn signature needs the PNG from the signature pad", field_path="image_png")
        check_signature_png(image_png)
    else:
        if image_png is not None:
            raise SignatureError("must be empty for a typed signature", field_path="image_png")
        if name is None:
            raise SignatureError("is missing: a typed signature needs the name the signer typed", field_path="typed_name")
    capture = SignatureCapture(
        party=cast(Party, party),
        method=cast(SignatureMethod, method),
        image_png=bytes(image_png) if image_png is not None else None,
        typed_name=name,
        consent_text=consent_text,
        consent_sha256=sha256_hex(consent_text),
        intent=intent_statement,
    )
    return bind_signer_name(capture, signer_name) if signer_name is not None else capture


def name_key(name: str) -> str:
    """A name as names are compared: accents dropped (NFKD, combining marks removed),
    case folded, runs of spaces made one.  ``"  José  GARCÍA "`` -> ``"jose garcia"``."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def names_match(typed: str | None, legal: str | None) -> bool:
    """Whether ``typed`` is the name ``legal``, ignoring case, accents and extra spaces."""
    return isinstance(typed, str) and isinstance(legal, str) and bool(name_key(legal)) and name_key(typed) == name_key(legal)


def bind_signer_name(capture: SignatureCapture, legal_name: str) -> SignatureCapture:
    """``capture`` made for the signer whose legal name is ``legal_name`` (the name
    printed under their signature line, from the case answers).

    A typed signature must be that name — compared with :func:`names_match` —
    or a :class:`SignatureError` on ``typed_name`` tells the signer, in plain
    words, which name to type.  A capture already bound to another name is
    refused (``signer_name``).  The returned capture records ``signer_name``.
    """
    legal = " ".join(legal_name.split()) if isinstance(legal_name, str) else ""
    if not legal:
        raise SignatureError("is empty: the signer's legal name is needed to sign", field_path="signer_name")
    if capture.signer_name is not None and not names_match(capture.signer_name, legal):
        raise SignatureError(
            f"This signature was made for {capture.signer_name}, but this signature line is for {legal}.",
            field_path="signer_name",
        )
    if capture.method == "typed" and not names_match(capture.typed_name, legal):
        raise SignatureError(f"Type your full name exactly as it appears in the agreement: {legal}", field_path="typed_name")
    return replace(capture, signer_name=legal)


def check_signature_png(data: bytes) -> tuple[int, int]:
    """Check a drawn signature image; return its (width, height).

    Uses Pillow (always present on a docassemble server).  Dimensions are read
    from the header and checked before any pixel is decoded.
    """
    from PIL import Image, UnidentifiedImageError

    where = "image_png"
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise SignatureError("is empty", field_path=where)
    if len(data) > MAX_IMAGE_BYTES:
        raise SignatureError(f"is {len(data):,} bytes; the limit is {MAX_IMAGE_BYTES:,}", field_path=where)
    if not bytes(data[:8]) == _PNG_MAGIC:
        raise SignatureError("is not a PNG image (wrong file signature)", field_path=where)
    # The size, from the IHDR chunk that must come first, before Pillow sees the file.
    if len(data) < 24 or bytes(data[12:16]) != b"IHDR":
        raise SignatureError("cannot be decoded as a PNG image: no IHDR header", field_path=where)
    width, height = struct.unpack(">II", bytes(data[16:24]))
    if width > MAX_IMAGE_WIDTH or height > MAX_IMAGE_HEIGHT:
        raise SignatureError(f"is {width} x {height} pixels; the limit is {MAX_IMAGE_WIDTH} x {MAX_IMAGE_HEIGHT}", field_path=where)
    if width < MIN_IMAGE_SIDE or height < MIN_IMAGE_SIDE:
        raise SignatureError(f"is {width} x {height} pixels, too small to hold a signature", field_path=where)
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            if image.size != (width, height):
                raise SignatureError("cannot be decoded as a PNG image: inconsistent header", field_path=where)
            image.load()
            grey = _on_white(image)
    except SignatureError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        # Pillow reports a damaged PNG (bad CRC, truncated data) as OSError or SyntaxError.
        raise SignatureError(f"cannot be decoded as a PNG image: {exc}", field_path=where) from None
    histogram = grey.histogram()
    background = max(range(256), key=histogram.__getitem__)
    ink = sum(count for value, count in enumerate(histogram) if abs(value - background) > _INK_CONTRAST)
    if ink < MIN_INK_PIXELS:
        raise SignatureError("is blank: no visible strokes (empty, fully transparent or one flat colour)", field_path=where)
    return width, height


def trimmed_signature_png(data: bytes) -> bytes:
    """A display copy of a drawn signature, cropped to its strokes (with a small margin).

    Signature pads send a wide canvas with the strokes somewhere inside; the
    printed blocks show this copy so the strokes fill the space.  The log and
    the certificate keep the hash of the image exactly as captured.
    """
    from PIL import Image, ImageChops

    with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
        image.load()
        grey = _on_white(image)
        rgba = image.convert("RGBA")
    histogram = grey.histogram()
    background = max(range(256), key=histogram.__getitem__)
    ink = ImageChops.difference(grey, Image.new("L", grey.size, background)).point(lambda v: 255 if v > _INK_CONTRAST else 0)
    box = ink.getbbox()
    if box is None:
        return data
    margin = max(2, round(0.04 * max(box[2] - box[0], box[3] - box[1])))
    left, top = max(0, box[0] - margin), max(0, box[1] - margin)
    right, bottom = min(rgba.width, box[2] + margin), min(rgba.height, box[3] + margin)
    out = io.BytesIO()
    rgba.crop((left, top, right, bottom)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _on_white(image: Any) -> Any:
    """The image composited onto white, as 8-bit grey (so transparent pixels count as background)."""
    from PIL import Image

    rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("L")


def _check_name(value: object) -> str:
    if not isinstance(value, str):
        raise SignatureError(f"must be text, not {type(value).__name__}", field_path="typed_name")
    name = " ".join(value.split())
    if not name:
        raise SignatureError("is empty", field_path="typed_name")
    if len(name) > MAX_NAME_LENGTH:
        raise SignatureError(f"is {len(name)} characters; the limit is {MAX_NAME_LENGTH}", field_path="typed_name")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in name):
        raise SignatureError("contains control or invisible characters", field_path="typed_name")
    return name


def _check_client(client: Mapping[str, Any] | None) -> dict[str, str] | None:
    if client is None:
        return None
    unknown = sorted(set(client) - set(CLIENT_FIELDS))
    if unknown:
        raise SignatureError(f"unknown key(s) {', '.join(map(repr, unknown))}; expected: {', '.join(CLIENT_FIELDS)}", field_path="client")
    out: dict[str, str] = {}
    for key in CLIENT_FIELDS:
        value = client.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise SignatureError(f"must be text, not {type(value).__name__}", field_path=f"client.{key}")
        if len(value) > MAX_CLIENT_FIELD_LENGTH or any(unicodedata.category(ch) == "Cc" for ch in value):
            raise SignatureError("is too long or contains control characters", field_path=f"client.{key}")
        out[key] = value
    return out or None


# --------------------------------------------------------------------------- office seal configuration

ENV_KEY = "MEDIATION_SIGNING_KEY"
ENV_CERT = "MEDIATION_SIGNING_CERT"
ENV_CHAIN = "MEDIATION_SIGNING_CHAIN"
ENV_PASSPHRASE = "MEDIATION_SIGNING_KEY_PASSPHRASE"
ENV_TSA_URL = "MEDIATION_SIGNING_TSA_URL"


@dataclass(frozen=True)
class SigningConfig:
    """Where the office's sealing key and certificate are, and how to seal.

    ``chain_paths`` hold the intermediate (and optionally root) CA
    certificates, embedded in the seal so a reader can build the path to a
    trusted root.  ``tsa_url`` (optional) names an RFC 3161 timestamping
    authority: with it the seal is PAdES B-T, without it B-B.

    From the environment (a docassemble server's config, a shell)::

        MEDIATION_SIGNING_KEY=/etc/mediation/office.key       # PEM or DER, mode 0600
        MEDIATION_SIGNING_CERT=/etc/mediation/office.pem
        MEDIATION_SIGNING_CHAIN=/etc/mediation/chain.pem      # optional; several joined with ':'
        MEDIATION_SIGNING_KEY_PASSPHRASE=...                  # optional
        MEDIATION_SIGNING_TSA_URL=https://tsa.example/tsr     # optional
    """

    key_path: Path
    cert_path: Path
    chain_paths: tuple[Path, ...] = ()
    key_passphrase: bytes | None = field(default=None, repr=False)
    tsa_url: str | None = None
    field_name: str = "OfficeSeal"
    reason: str = "Executed agreement: signatures and certificate of completion sealed by the office"
    location: str | None = None

    @classmethod
    def from_paths(
        cls,
        key: str | Path,
        cert: str | Path,
        chain: str | Path | tuple[str | Path, ...] | list[str | Path] = (),
        *,
        passphrase: str | bytes | None = None,
        tsa_url: str | None = None,
        location: str | None = None,
    ) -> SigningConfig:
        """Configuration from file paths; every file must exist and be readable."""
        chain_list = [chain] if isinstance(chain, (str, Path)) else list(chain)
        key_path = _existing(Path(key), "signing key")
        cert_path = _existing(Path(cert), "signing certificate")
        chain_paths = tuple(_existing(Path(p), "certificate chain") for p in chain_list)
        secret = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
        return cls(key_path, cert_path, chain_paths, secret or None, tsa_url or None, location=location)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SigningConfig:
        """Configuration from ``MEDIATION_SIGNING_*`` variables; a missing one is a :class:`ConfigError` naming it."""
        env = os.environ if environ is None else environ
        for name, what in ((ENV_KEY, "the office's private key"), (ENV_CERT, "the office's certificate")):
            if not env.get(name, "").strip():
                raise ConfigError(f"{name} is not set", hint=f"set it to the path of {what} (PEM); see docs/signing.md")
        chain = tuple(p for p in env.get(ENV_CHAIN, "").split(os.pathsep) if p.strip())
        try:
            return cls.from_paths(
                env[ENV_KEY].strip(),
                env[ENV_CERT].strip(),
                chain,
                passphrase=env.get(ENV_PASSPHRASE) or None,
                tsa_url=env.get(ENV_TSA_URL, "").strip() or None,
            )
        except ConfigError as exc:
            raise ConfigError(f"{exc.message} (from {_variable_for(exc.message)})", path=exc.path, hint=exc.hint) from None


def _variable_for(message: str) -> str:
    if message.startswith("signing key"):
        return ENV_KEY
    if message.startswith("signing certificate"):
        return ENV_CERT
    return ENV_CHAIN


def _existing(path: Path, what: str) -> Path:
    if not path.is_file():
        raise ConfigError(f"{what} not found", path=path)
    if not os.access(path, os.R_OK):
        raise ConfigError(f"{what} is not readable by this process", path=path)
    return path
