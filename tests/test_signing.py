"""Capturing signatures (what arrives from the interview) and the sealing configuration."""

from __future__ import annotations

import base64
import io
import zlib
from pathlib import Path

import pytest
from PIL import Image
from signing_fixtures import CONSENT, DRAFT_SHA256, signature_png

from docassemble.MediationAgreement.errors import ConfigError, SignatureError
from docassemble.MediationAgreement.signing.signatures import (
    MAX_IMAGE_BYTES,
    SignatureCapture,
    SigningConfig,
    capture_signature,
    sha256_hex,
    trimmed_signature_png,
)


def drawn(image: bytes, **kw: object) -> SignatureCapture:
    return capture_signature("a", method="drawn", image_png=image, intent_confirmed=True, consent_text=CONSENT, **kw)  # type: ignore[arg-type]


def noisy_png(width: int, height: int) -> bytes:
    """Incompressible pixels, to make a PNG bigger than the byte limit within the size limit."""
    import os

    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --------------------------------------------------------------------------- drawn signatures


def test_a_drawn_signature_is_accepted_and_hashed() -> None:
    image = signature_png()
    capture = drawn(image)
    assert capture.method == "drawn" and capture.image_png == image
    assert capture.image_sha256 == sha256_hex(image)
    assert capture.consent_sha256 == sha256_hex(CONSENT)
    assert capture.intent  # the default intent statement


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (b"", "is empty"),
        (b"GIF89a" + b"\x00" * 100, "not a PNG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "cannot be decoded"),
        (signature_png(strokes=False), "is blank"),
        (signature_png(background=(255, 255, 255, 255), strokes=False), "is blank"),
        (signature_png(background=(0, 0, 0, 255), strokes=False), "is blank"),
        (signature_png((3200, 200)), "3200 x 200 pixels; the limit is 3000 x 1500"),
        (signature_png((8, 8)), "too small"),
    ],
    ids=["empty", "not-png", "corrupt-png", "transparent", "all-white", "all-black", "too-wide", "too-small"],
)
def test_bad_images_are_refused_naming_the_field(image: bytes, expected: str) -> None:
    with pytest.raises(SignatureError) as caught:
        drawn(image)
    assert caught.value.field_path == "image_png"
    assert expected in str(caught.value)
    assert str(caught.value).startswith("field 'image_png'")


def test_an_oversized_file_is_refused_before_decoding() -> None:
    big = noisy_png(520, 400)
    assert len(big) > MAX_IMAGE_BYTES
    with pytest.raises(SignatureError, match=r"bytes; the limit is 524,288") as caught:
        drawn(big)
    assert caught.value.field_path == "image_png"


def test_a_truncated_png_is_refused() -> None:
    image = signature_png()
    with pytest.raises(SignatureError, match="cannot be decoded"):
        drawn(image[: len(image) // 2])


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    """A PNG claiming 30000 x 30000 pixels is refused before any pixel is inflated."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 6, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 100000)) + chunk(b"IEND", b"")
    with pytest.raises(SignatureError, match="30000 x 30000 pixels"):
        drawn(bomb)


def test_drawn_without_an_image_is_refused() -> None:
    with pytest.raises(SignatureError, match="is missing") as caught:
        capture_signature("a", method="drawn", intent_confirmed=True, consent_text=CONSENT)
    assert caught.value.field_path == "image_png"


def test_trimmed_copy_is_cropped_to_the_strokes() -> None:
    image = signature_png((1200, 400))
    trimmed = trimmed_signature_png(image)
    with Image.open(io.BytesIO(trimmed)) as out:
        assert out.width < 1200 and out.height < 400
        assert out.width > out.height  # still the shape of the strokes


# --------------------------------------------------------------------------- typed signatures and intent


def test_a_typed_signature_needs_confirmed_intent() -> None:
    with pytest.raises(SignatureError, match="did not confirm the intent") as caught:
        capture_signature("b", method="typed", typed_name="Sam Rivera", intent_confirmed=False, consent_text=CONSENT)
    assert caught.value.field_path == "intent_confirmed"


def test_intent_must_be_exactly_true() -> None:
    with pytest.raises(SignatureError, match="intent"):
        capture_signature("b", method="typed", typed_name="Sam Rivera", intent_confirmed="yes", consent_text=CONSENT)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "expected"), [(None, "is missing"), ("   ", "is empty"), ("Sam\u200bRivera", "invisible"), ("x" * 201, "the limit is 200")])
def test_typed_name_is_checked(name: str | None, expected: str) -> None:
    with pytest.raises(SignatureError, match=expected) as caught:
        capture_signature("b", method="typed", typed_name=name, intent_confirmed=True, consent_text=CONSENT)
    assert caught.value.field_path == "typed_name"


def test_typed_name_whitespace_is_normalised() -> None:
    capture = capture_signature("b", method="typed", typed_name="  Sam   Rivera ", intent_confirmed=True, consent_text=CONSENT)
    assert capture.typed_name == "Sam Rivera"
    assert capture.image_png is None and capture.image_sha256 is None


def test_typed_with_an_image_is_refused() -> None:
    with pytest.raises(SignatureError, match="must be empty for a typed signature"):
        capture_signature("b", method="typed", typed_name="Sam", image_png=signature_png(), intent_confirmed=True, consent_text=CONSENT)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"party": "c"}, "party"),
        ({"method": "stamped"}, "method"),
        ({"consent_text": "  "}, "consent_text"),
    ],
)
def test_other_fields_are_checked(kwargs: dict[str, str], field: str) -> None:
    args = {"party": "a", "method": "typed", "consent_text": CONSENT} | kwargs
    with pytest.raises(SignatureError) as caught:
        capture_signature(args.pop("party"), typed_name="Alex", intent_confirmed=True, **args)  # type: ignore[arg-type]
    assert caught.value.field_path == field


# --------------------------------------------------------------------------- the event payload


def test_event_payload_records_who_how_consent_and_version() -> None:
    image = signature_png()
    capture = drawn(image)
    payload = capture.to_event_payload(DRAFT_SHA256, {"ip": "203.0.113.7", "user_agent": "Firefox"})
    assert payload["format"] == "signature/1"
    assert payload["party"] == "a" and payload["method"] == "drawn"
    assert payload["consent_text"] == CONSENT and payload["consent_sha256"] == sha256_hex(CONSENT)
    assert payload["draft_sha256"] == DRAFT_SHA256
    assert payload["image_sha256"] == sha256_hex(image)
    assert base64.b64decode(payload["image_png_b64"]) == image
    assert payload["client"] == {"ip": "203.0.113.7", "user_agent": "Firefox"}
    assert "at" not in payload  # the time is the log event's


def test_payload_round_trips() -> None:
    capture = drawn(signature_png())
    assert SignatureCapture.from_event_payload(capture.to_event_payload(DRAFT_SHA256)) == capture


def test_a_payload_whose_image_was_swapped_is_refused() -> None:
    payload = drawn(signature_png()).to_event_payload(DRAFT_SHA256)
    payload["image_png_b64"] = base64.b64encode(signature_png((700, 200))).decode()
    with pytest.raises(SignatureError, match="does not match the recorded image") as caught:
        SignatureCapture.from_event_payload(payload)
    assert caught.value.field_path == "image_sha256"


def test_a_payload_whose_consent_was_edited_is_refused() -> None:
    payload = drawn(signature_png()).to_event_payload(DRAFT_SHA256)
    payload["consent_text"] += " (amended)"
    with pytest.raises(SignatureError, match="consent"):
        SignatureCapture.from_event_payload(payload)


@pytest.mark.parametrize(
    ("draft", "client", "field"),
    [
        ("not-a-hash", None, "draft_sha256"),
        (DRAFT_SHA256, {"ip": "1.2.3.4", "geo": "x"}, "client"),
        (DRAFT_SHA256, {"ip": 1234}, "client.ip"),
        (DRAFT_SHA256, {"user_agent": "a\nb"}, "client.user_agent"),
    ],
)
def test_payload_inputs_are_checked(draft: str, client: dict[str, object] | None, field: str) -> None:
    with pytest.raises(SignatureError) as caught:
        drawn(signature_png()).to_event_payload(draft, client)
    assert caught.value.field_path == field


# --------------------------------------------------------------------------- configuration


def test_config_from_env_names_the_missing_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="MEDIATION_SIGNING_KEY is not set"):
        SigningConfig.from_env({})
    key = tmp_path / "office.key"
    key.write_text("x")
    with pytest.raises(ConfigError, match="MEDIATION_SIGNING_CERT is not set"):
        SigningConfig.from_env({"MEDIATION_SIGNING_KEY": str(key)})


def test_config_from_env_names_the_variable_of_a_missing_file(tmp_path: Path) -> None:
    key, cert = tmp_path / "office.key", tmp_path / "office.pem"
    key.write_text("x")
    with pytest.raises(ConfigError) as caught:
        SigningConfig.from_env({"MEDIATION_SIGNING_KEY": str(key), "MEDIATION_SIGNING_CERT": str(cert)})
    assert "MEDIATION_SIGNING_CERT" in str(caught.value) and str(cert) in str(caught.value)
    cert.write_text("x")
    with pytest.raises(ConfigError, match="MEDIATION_SIGNING_CHAIN"):
        SigningConfig.from_env({"MEDIATION_SIGNING_KEY": str(key), "MEDIATION_SIGNING_CERT": str(cert), "MEDIATION_SIGNING_CHAIN": str(tmp_path / "nope.pem")})


def test_config_from_env_reads_every_setting(tmp_path: Path) -> None:
    files = [tmp_path / n for n in ("office.key", "office.pem", "int.pem", "root.pem")]
    for f in files:
        f.write_text("x")
    config = SigningConfig.from_env(
        {
            "MEDIATION_SIGNING_KEY": str(files[0]),
            "MEDIATION_SIGNING_CERT": str(files[1]),
            "MEDIATION_SIGNING_CHAIN": f"{files[2]}:{files[3]}",
            "MEDIATION_SIGNING_KEY_PASSPHRASE": "s3cret",
            "MEDIATION_SIGNING_TSA_URL": "https://tsa.example/tsr",
        }
    )
    assert config.chain_paths == (files[2], files[3])
    assert config.key_passphrase == b"s3cret"
    assert config.tsa_url == "https://tsa.example/tsr"
    assert "s3cret" not in repr(config)
