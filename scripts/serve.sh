#!/usr/bin/env bash
# `make serve`: a real docassemble server for this package on 127.0.0.1 (see docs/server.md).
#   scripts/serve.sh [start|stop|restart|status|info] [--port N] [--extra-package DIR] [--json]
# Runs scripts/serve.py with a Python >= 3.12 (found, or installed, by scripts/find-python.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(scripts/find-python.sh)
exec "$python" scripts/serve.py "$@"
