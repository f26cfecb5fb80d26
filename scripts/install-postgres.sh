#!/usr/bin/env bash
# Install PostgreSQL server binaries (initdb, pg_ctl) for the case-store tests.
# Idempotent: does nothing when they are already there.  It does not start or
# enable a system service: tests/postgres.py starts its own throwaway server
# on a free loopback port for each test session and removes it afterwards.
# Usage: scripts/install-postgres.sh
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: please install PostgreSQL (server binaries: initdb, pg_ctl) with your system's package manager" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
echo "installing postgresql (for the case-store tests)" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
# Debian's package creates and starts a cluster on port 5432; the tests do not use it.
