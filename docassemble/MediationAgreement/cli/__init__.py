"""``mediation-agreement``: the command line, one module per command group.

:mod:`.app` is the group and its error handling; :mod:`.core` (assemble,
lint, preview, clauses, schema), :mod:`.schedule`, :mod:`.filing` (fields,
cover sheet, packet), :mod:`.case` (review rounds against the case store),
:mod:`.demo`, :mod:`.verify` (verify, dev-certificate) add the commands.
"""

from __future__ import annotations

from .app import command_line, main, run

__all__ = ["command_line", "main", "run"]
