#!/usr/bin/env bash
# Takes a screenshot of the desk console as staff see it: builds the UI and the app, starts
# `labdesk --demo` (a throwaway store with live sessions and simulated PCs) on a private headless
# desktop (Xvfb, its own D-Bus session and dunst), waits until the window is mapped and the UI has
# painted, and saves the whole screen.
#
# Usage: scripts/screenshot.sh [OUTPUT.png]   (default: docs/screenshot.png)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=$(realpath -m "${1:-docs/screenshot.png}")
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
APP="$TARGET/debug/labdesk"

say() { printf 'screenshot: %s\n' "$*" >&2; }
die() { printf 'screenshot: error: %s\n' "$*" >&2; exit 1; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND until it succeeds or time runs out.
wait_for() {
    local limit=$1 what=$2
    shift 2
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "timed out after ${limit}s waiting for $what"
        sleep 0.2
    done
}

if [[ -z "${LABDESK_HEADLESS_INSIDE:-}" ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
    ./scripts/setup.sh
    say "building the UI and the app"
    (cd ui && npm run build)
    cargo build -p labdesk --features custom-protocol --locked
    mkdir -p "$(dirname "$OUT")"
    exec env LABDESK_HEADLESS_INSIDE=1 ./scripts/lib/headless.sh "$0" "$OUT"
fi

# --- inside the private headless desktop ----------------------------------------------------
LOG=$(mktemp -t labdesk-screenshot.XXXXXX.log)
# Debug lines of the scheduler say when a PC acknowledged a warning.
RUST_LOG=info,labdesk_core::scheduler=debug "$APP" --demo >"$LOG" 2>&1 &
APP_PID=$!
stop_app() {
    # SIGTERM lets the desk close its PC connections and remove the demo store.
    kill -TERM "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
}
trap stop_app EXIT

app_alive() { kill -0 "$APP_PID" 2>/dev/null; }

# The id of the mapped (viewable) console window, if there is one.
console_window() {
    local id
    for id in $(xwininfo -root -tree | awk '/"Labdesk"/ { print $1 }'); do
        if xwininfo -id "$id" | grep -q 'Map State: IsViewable'; then
            echo "$id"
            return 0
        fi
    done
    return 1
}

window_mapped() {
    app_alive || die "labdesk --demo exited early; its log says:$(printf '\n')$(cat "$LOG")"
    console_window
}

# The UI has painted once the screen shows text (many distinct colours from anti-aliasing),
# not just a blank page.
ui_painted() {
    app_alive || die "labdesk --demo exited early; its log says:$(printf '\n')$(cat "$LOG")"
    local colours
    colours=$(import -window root png:- | identify -format '%k' -)
    ((colours > 200))
}

say "waiting for the console window"
wait_for 120 "the console window to be mapped" window_mapped
say "window $(console_window) is mapped; waiting for the UI to paint"
wait_for 120 "the console UI to paint" ui_painted
# The demo's first session is inside its one-minute warning lead a few seconds after start; wait
# for its simulated PC to acknowledge the warning, then for the next paint, so the shot shows it.
say "waiting for the first warning to be acknowledged"
wait_for 60 "the first demo warning to be acknowledged" grep -q 'warning acknowledged' "$LOG"
BEFORE=$(import -window root png:- | md5sum)
screen_changed() { [[ "$(import -window root png:- | md5sum)" != "$BEFORE" ]]; }
wait_for 30 "the console to repaint" screen_changed

import -window root "$OUT"
say "saved $OUT ($(identify -format '%wx%h' "$OUT"))"
rm -f "$LOG"
