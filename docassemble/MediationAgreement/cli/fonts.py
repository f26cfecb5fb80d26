"""``--font-path``: folders of fonts for every PDF a command makes.

The bundled fonts cover Latin, Greek and Cyrillic.  A name in Chinese,
Japanese, Korean, Arabic or Hebrew needs a folder of fonts that cover it, such
as Debian's ``fonts-noto-cjk`` (``make install-test`` installs it) and DejaVu:

    mediation-agreement assemble case.yml --out out \\
        --font-path /usr/share/fonts/opentype/noto --font-path /usr/share/fonts/truetype/dejavu

The option only adds folders: the same case gives the same PDF bytes on any
machine given the same fonts.  ``MEDIATION_FONT_PATHS`` (folders separated by
``:``) does the same for every command, and is passed on to ``batch``'s workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click


def _use_fonts(_ctx: click.Context, _param: click.Parameter, value: Sequence[Path]) -> None:
    if not value:
        return
    from ..render.typesetting import FONT_PATHS_VARIABLE, use_font_paths

    use_font_paths(value)
    # batch's worker processes read the environment, whichever way they are started
    known = [p for p in os.environ.get(FONT_PATHS_VARIABLE, "").split(os.pathsep) if p]
    os.environ[FONT_PATHS_VARIABLE] = os.pathsep.join(dict.fromkeys([*known, *(str(p) for p in value)]))


def font_path_option[F: Callable[..., Any]](command: F) -> F:
    """The ``--font-path`` option (repeatable); it takes effect before the command runs."""
    return click.option(
        "--font-path",
        multiple=True,
        type=click.Path(exists=True, path_type=Path),
        expose_value=False,
        is_eager=True,
        callback=_use_fonts,
        help="A folder (or file) of fonts for characters the bundled fonts lack, e.g. /usr/share/fonts/opentype/noto for Chinese, Japanese and Korean (repeatable).",
    )(command)
