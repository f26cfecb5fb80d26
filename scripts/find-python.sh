#!/usr/bin/env bash
# Print the path of a Python >= 3.12 (docassemble needs it), installing one from
# the system's packages if the machine has none.  Debian 12 ships 3.11 only, so
# we look on PATH, then in pyenv, then try apt (Ubuntu 24.04, Debian 13).
set -euo pipefail
ok() { "$1" -c 'import sys; raise SystemExit(sys.version_info < (3, 12))' 2>/dev/null; }
for candidate in "${PYTHON:-}" python3.13 python3.12 python3; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if ok "$path"; then echo "$path"; exit 0; fi
done
for path in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 /root/.pyenv/versions/3.1[2-9]*/bin/python3; do
  if [ -x "$path" ] && ok "$path"; then echo "$path"; exit 0; fi
done
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2 || true
  if $SUDO apt-get install -y -qq python3.12 python3.12-venv python3.12-dev >&2 2>/dev/null; then
    echo "$(command -v python3.12)"; exit 0
  fi
fi
echo "error: Python 3.12 or newer is needed (docassemble requires it); install it (e.g. pyenv install 3.12) and set PYTHON=/path/to/python3.12" >&2
exit 1
