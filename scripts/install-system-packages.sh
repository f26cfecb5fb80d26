#!/usr/bin/env bash
# System packages the toolkit and its tests use, installed only when missing:
#   libzbar0       docassemble.base imports pyzbar at start-up
#   poppler-utils  pdftotext/pdffonts/pdfsig: tests read PDFs the way viewers do
#   postgresql     the case store's tests run against a real PostgreSQL server
#   libnss3-tools  certutil: lets pdfsig trust the tests' own certificate authority
#   fonts-noto-cjk, fonts-dejavu-core  Chinese, Japanese, Korean, Arabic and Hebrew names
#                  in PDFs (--font-path /usr/share/fonts/opentype/noto --font-path /usr/share/fonts/truetype/dejavu)
# Usage: install-system-packages.sh [extra package...]
set -euo pipefail
want=(libzbar0 poppler-utils postgresql libnss3-tools fonts-noto-cjk fonts-dejavu-core "$@")
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: please install these system packages: ${missing[*]}" >&2; exit 1
fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
echo "installing system packages: ${missing[*]}" >&2
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
