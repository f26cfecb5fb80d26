#!/usr/bin/env bash
# `make stop`: stop the docassemble server, Redis and PostgreSQL that scripts/serve.sh started
# (only those: it reads their pid files and data folders under .serve/).
set -euo pipefail
exec "$(dirname "$0")/serve.sh" stop "$@"
