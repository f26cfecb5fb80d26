"""The family's time zone when a case file does not give one: the court's state, where the state is in one zone.

The data is ``data/sources/time_zones.yml`` (zone names from the IANA time
zone database; which states are split, with its provenance).  A state in one
zone gives that zone; a state in more than one gives a zone only for a county
the file settles (Michigan's, from 49 CFR 71.5(a); a county needs its Part 71
boundary quoted); otherwise nothing is guessed and the case must say
(:func:`zone_problem`).
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml


@lru_cache(maxsize=1)
def _zones() -> dict[str, Any]:
    text = (files("docassemble.MediationAgreement") / "data" / "sources" / "time_zones.yml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def state_time_zone(state: str | None, county: str | None = None) -> str | None:
    """The zone for a court in ``state`` (and ``county``), or ``None`` when the data does not settle it."""
    if not state:
        return None
    key = state.strip().upper()
    data = _zones()
    if key in data["states"]:
        return str(data["states"][key])
    split = data["split"].get(key)
    if split is None:
        return None
    counties = {name.casefold(): zone for name, zone in (split.get("counties") or {}).items()}
    wanted = (county or "").strip().casefold().removesuffix(" county").strip()
    if wanted in counties:
        return str(counties[wanted])
    return str(split["others"]) if wanted and split.get("others") else None


def zone_problem(state: str | None, county: str | None) -> str | None:
    """Why no time zone can be taken from the court (a message for ``parenting_time.time_zone``), or ``None``."""
    if state_time_zone(state, county) is not None:
        return None
    split = _zones()["split"].get((state or "").strip().upper())
    if split is not None:
        return (
            f"the courts of {state} are in more than one time zone ({', '.join(split['zones'])}): "
            "give the family's time zone"
        )
    return f"no time zone is known for court.state '{state}': give the family's time zone (an IANA name such as America/Chicago)"


__all__ = ["state_time_zone", "zone_problem"]
