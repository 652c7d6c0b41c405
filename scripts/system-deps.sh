#!/usr/bin/env bash
# Make sure the system libraries and fonts WeasyPrint and the documents need are present.
# Installs them with apt-get when run as root on Debian/Ubuntu; otherwise names them and fails.
set -euo pipefail

# libreoffice-writer-nogui: the tests convert each DOCX to PDF with it (soffice) to check that it
# lays out like the PDF; the documents themselves never need it.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig
          fonts-crosextra-carlito fonts-dejavu-core fonts-hosny-amiri libreoffice-writer-nogui)
# chromium: only the web app's browser tests use it (Playwright drives Debian's package). Debian
# ships it as a package; Ubuntu only as a snap, so there it is left out and those tests skip.
if grep -qs '^ID=debian' /etc/os-release; then
  packages+=(chromium)
fi

installed() {
  # "triggers-pending" and "triggers-awaited" packages are installed and usable: dpkg only has
  # post-install work queued (font caches, man-db) that another apt run will finish.
  case "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" in
    "install ok installed"|"install ok triggers-pending"|"install ok triggers-awaited") return 0 ;;
    *) return 1 ;;
  esac
}

missing=()
for pkg in "${packages[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "marac needs these system packages (Debian/Ubuntu names): ${missing[*]}" >&2
  echo "Install their equivalents with your system's package manager, then run make again." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "marac needs these system packages: ${missing[*]}" >&2
  echo "Run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Another apt or dpkg run (unattended upgrades, a second terminal) holds the lock for a while:
# wait for it instead of failing.
lock=(-o DPkg::Lock::Timeout=600)
apt-get "${lock[@]}" update -qq
if ! apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/tmp/marac-apt.log 2>&1; then
  echo "apt-get could not install: ${missing[*]} (its output is in /tmp/marac-apt.log)" >&2
  tail -n 20 /tmp/marac-apt.log >&2
  exit 1
fi
fc-cache -f >/dev/null 2>&1 || true
echo "Installed: ${missing[*]}"
