#!/usr/bin/env bash
# Starts the Labdesk desk console on this machine's real default store (the app's data folder),
# after installing what is missing and building the UI and the app. Arguments are passed to the
# app (for example `--demo`, or `--data-dir DIR`).
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf 'run: %s\n' "$*"; }

./scripts/setup.sh

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
    say "no display here (\$DISPLAY is not set), so the desk console window cannot open."
    say "to run a headless desk instead (store, scheduler and PC link, no window):"
    say "    cargo run -p labdeskctl -- --data-dir DIR serve"
    say "    (the built binary: target/debug/labdeskctl --data-dir DIR serve)"
    exit 1
fi

say "building the UI"
(cd ui && npm run build)
say "building the desk app"
cargo build -p labdesk --features custom-protocol --locked

TARGET=${CARGO_TARGET_DIR:-target}
say "starting $TARGET/debug/labdesk $*"
exec "$TARGET/debug/labdesk" "$@"
