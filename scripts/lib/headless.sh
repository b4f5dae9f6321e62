#!/usr/bin/env bash
# Runs one command inside a private headless desktop: its own Xvfb screen, its own D-Bus
# session bus and dunst as the notification daemon. Everything started here is stopped by its
# process id when the command ends, whatever its outcome; the command's exit status is returned.
#
# Usage: scripts/lib/headless.sh COMMAND [ARGS...]
set -euo pipefail

say() { printf 'headless: %s\n' "$*" >&2; }
die() { printf 'headless: error: %s\n' "$*" >&2; exit 1; }

(($# > 0)) || die "usage: scripts/lib/headless.sh COMMAND [ARGS...]"
for tool in Xvfb dbus-launch dbus-send dunst; do
    command -v "$tool" >/dev/null || die "$tool not found: run scripts/setup.sh first"
done

WORK=$(mktemp -d -t labdesk-headless.XXXXXX)
XVFB_PID=""
DBUS_PID=""
DUNST_PID=""

stop_all() {
    # Reverse order of start; each only if we started it.
    [[ -n "$DUNST_PID" ]] && kill "$DUNST_PID" 2>/dev/null || true
    [[ -n "$DBUS_PID" ]] && kill "$DBUS_PID" 2>/dev/null || true
    [[ -n "$XVFB_PID" ]] && kill "$XVFB_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap stop_all EXIT

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND until it succeeds or time runs out.
wait_for() {
    local limit=$1 what=$2
    shift 2
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "timed out after ${limit}s waiting for $what"
        sleep 0.1
    done
}

# Xvfb picks a free display and writes its number to the file once it accepts clients.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$WORK/display" 2>"$WORK/xvfb.log" &
XVFB_PID=$!
wait_for 30 "Xvfb to start (see its log: $WORK/xvfb.log)" test -s "$WORK/display"
export DISPLAY=":$(tr -d '[:space:]' <"$WORK/display")"

# A private session bus, so that notifications never reach a bus that is not ours.
eval "$(dbus-launch --sh-syntax)"
DBUS_PID=$DBUS_SESSION_BUS_PID
export DBUS_SESSION_BUS_ADDRESS

dunst >"$WORK/dunst.log" 2>&1 &
DUNST_PID=$!
wait_for 30 "dunst to own org.freedesktop.Notifications" \
    bash -c 'dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications | grep -q true'

export WEBKIT_DISABLE_DMABUF_RENDERER=1
export LIBGL_ALWAYS_SOFTWARE=1
export NO_AT_BRIDGE=1
say "display $DISPLAY, session bus and dunst ready"

status=0
"$@" || status=$?
exit "$status"
