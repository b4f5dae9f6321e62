#!/usr/bin/env bash
# Runs the desk app's end-to-end test in a private headless desktop: Xvfb, its own D-Bus
# session bus and dunst as the notification daemon. Stops everything it started, by id.
#
# Usage: crates/labdesk-e2e/run.sh [test-harness arguments, e.g. a test name filter]
# Needs the app and tools built first (scripts/test.sh does it):
#   cargo build -p labdesk --features custom-protocol
#   cargo build -p labdesk-agent -p labdeskctl
#   cargo install tauri-driver --locked
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${LABDESK_E2E_OUT:-${CARGO_TARGET_DIR:-$root/target}/e2e-output}"
mkdir -p "$out"
export LABDESK_E2E_OUT="$out"

for tool in Xvfb dbus-launch dunst; do
    if ! command -v "$tool" >/dev/null; then
        echo "run.sh: $tool is missing: install it with scripts/setup.sh" \
            "(Debian packages xvfb dbus-x11 dunst)" >&2
        exit 1
    fi
done

xvfb_pid=""
bus_pid=""
dunst_pid=""
stop_all() {
    # Reverse order of start; each by the id recorded when it started.
    if [[ -n "$dunst_pid" ]]; then kill "$dunst_pid" 2>/dev/null || true; fi
    if [[ -n "$bus_pid" ]]; then kill "$bus_pid" 2>/dev/null || true; fi
    if [[ -n "$xvfb_pid" ]]; then kill "$xvfb_pid" 2>/dev/null || true; fi
    if [[ -n "$dunst_pid" ]]; then wait "$dunst_pid" 2>/dev/null || true; fi
    if [[ -n "$xvfb_pid" ]]; then wait "$xvfb_pid" 2>/dev/null || true; fi
}
trap stop_all EXIT

# Xvfb picks a free display and writes its number to the pipe once it accepts clients.
exec {display_fd}<> <(:)
Xvfb -displayfd "$display_fd" -screen 0 1280x800x24 -nolisten tcp \
    >"$out/xvfb.log" 2>&1 &
xvfb_pid=$!
if ! read -r -t 30 -u "$display_fd" display_num; then
    echo "run.sh: Xvfb did not start within 30 s; see $out/xvfb.log" >&2
    exit 1
fi
exec {display_fd}<&-
export DISPLAY=":$display_num"

# A private session bus, so notifications go where the test listens.
eval "$(dbus-launch --sh-syntax)"
bus_pid="$DBUS_SESSION_BUS_PID"
export DBUS_SESSION_BUS_ADDRESS

dunst >"$out/dunst.log" 2>&1 &
dunst_pid=$!
# Wait until dunst owns the notification name, or a notification could start another daemon.
for _ in $(seq 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null |
        grep -q 'boolean true'; then
        break
    fi
    if ! kill -0 "$dunst_pid" 2>/dev/null; then
        echo "run.sh: dunst exited at start; see $out/dunst.log" >&2
        exit 1
    fi
    sleep 0.2
done

export WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1 NO_AT_BRIDGE=1
echo "run.sh: display $DISPLAY, output in $out"

cd "$root"
set +e
cargo test -p labdesk-e2e -- --test-threads=1 "$@"
status=$?
set -e

# A picture of the whole screen at the end, for whoever reads a failed run.
if command -v import >/dev/null; then
    import -window root "$out/final-screen.png" 2>/dev/null || true
fi
exit "$status"
