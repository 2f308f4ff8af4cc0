#!/usr/bin/env bash
# Makes sure the Debian packages the tests start for real are present. As root it installs what is
# missing; otherwise it stops at once, naming exactly what to install.
set -euo pipefail

# command to look for → Debian package that provides it
declare -A NEED=(
  [mosquitto]=mosquitto
  [mosquitto_pub]=mosquitto-clients
  [redis-server]=redis-server
  [influxd]=influxdb
  [chromium]=chromium
  [docker-compose]=docker-compose
  # PDFs (issue 16): the tests read them with pdftotext and render pages with pdftoppm.
  [pdftotext]=poppler-utils
)
# PostgreSQL's server binaries live outside PATH.
have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }

missing=()
for cmd in "${!NEED[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEED[$cmd]}")
done
have_postgres || missing+=(postgresql)
# The CJK font the PDFs embed (ingest/src/pdf/font.ts), so Chinese renders in every reader.
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)

if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing missing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's postinst may start servers where an init system exists; the tests start their own.
  exit 0
fi

echo "The tests need these Debian packages, which are not installed:" >&2
echo "  sudo apt-get install -y ${missing[*]}" >&2
exit 1
