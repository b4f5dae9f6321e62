#!/usr/bin/env bash
# Installs what building, running and testing Labdesk needs, and skips what is already there.
#
# Debian packages (build + headless tests), the UI's npm packages and tauri-driver. Safe to run
# again: a second run installs nothing and prints only what it checked. Run as root on Debian 12
# (or with sudo available); Rust (cargo) and Node 20+ are expected on the machine already.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# What the Tauri app needs to build.
BUILD_PACKAGES=(
    libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
    libayatana-appindicator3-dev librsvg2-dev pkg-config
)
# What running the app without a screen, and the end-to-end tests, need.
HEADLESS_PACKAGES=(
    xvfb xauth x11-utils webkit2gtk-driver dbus dbus-x11 dunst libnotify-bin imagemagick
)

# --- Debian packages -------------------------------------------------------------------------
missing=()
for pkg in "${BUILD_PACKAGES[@]}" "${HEADLESS_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} > 0)); then
    SUDO=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || die "missing packages (${missing[*]}): run this script as root"
        SUDO=(sudo)
    fi
    say "installing Debian packages: ${missing[*]}"
    "${SUDO[@]}" apt-get update -q
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
else
    say "Debian packages: all $((${#BUILD_PACKAGES[@]} + ${#HEADLESS_PACKAGES[@]})) present"
fi

# --- toolchains the machine must already have -------------------------------------------------
command -v cargo >/dev/null || die "cargo not found: install Rust (rustup) and run this again"
command -v npm >/dev/null || die "npm not found: install Node.js 20 or newer and run this again"
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 20)) || die "Node.js $(node --version) is too old: install Node.js 20 or newer"

# --- UI packages -----------------------------------------------------------------------------
# npm writes node_modules/.package-lock.json last, so it is the installed tree's time stamp.
INSTALLED=ui/node_modules/.package-lock.json
if [[ ! -d ui/node_modules || ! -f $INSTALLED || ui/package-lock.json -nt $INSTALLED ]]; then
    say "installing UI packages (npm ci in ui/)"
    (cd ui && npm ci --no-audit --no-fund)
else
    say "UI packages: up to date"
fi

# --- tauri-driver (WebDriver bridge for the end-to-end tests) --------------------------------
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null; then
    say "installing tauri-driver (cargo install tauri-driver --locked)"
    cargo install tauri-driver --locked
else
    say "tauri-driver: $(command -v tauri-driver)"
fi

say "ready in $ROOT"
