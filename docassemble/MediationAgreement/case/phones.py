"""Phone numbers, read with ``phonenumbers`` (Google's libphonenumber): "abc" is not a phone number.

A number without a country code is read as a US number.  The case keeps it
in the usual written form ("(602) 555-0143"; international form outside the
US), and :func:`e164` gives the form a text message or a phone system needs
("+16025550143").
"""

from __future__ import annotations

from typing import Annotated

import phonenumbers
from pydantic import AfterValidator, Field

from .limits import ID_CHARS

REGION = "US"

PHONE_HELP = "give the area code and number, like (602) 555-0143 (or +44 20 7946 0958 for a number outside the US)"


def _parse(text: str) -> phonenumbers.PhoneNumber:
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        raise ValueError(f"not a phone number: {PHONE_HELP}") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"not a complete phone number: {PHONE_HELP}")
    return number


def normalized_phone(text: str) -> str:
    """The number as people write it: national form for a US number, international otherwise."""
    number = _parse(text)
    style = phonenumbers.PhoneNumberFormat.NATIONAL if phonenumbers.region_code_for_number(number) == REGION else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def e164(text: str) -> str:
    """``+16025550143``: the form for text messages and phone systems."""
    return phonenumbers.format_number(_parse(text), phonenumbers.PhoneNumberFormat.E164)


Phone = Annotated[str, Field(max_length=ID_CHARS, description="A phone number with its area code, e.g. (602) 555-0143"), AfterValidator(normalized_phone)]


__all__ = ["PHONE_HELP", "Phone", "e164", "normalized_phone"]
