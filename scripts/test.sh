#!/usr/bin/env bash
# The one command that checks everything: set-up, format, lints, unit and integration tests,
# benchmarks compile, the UI's tests and build, the desktop app's build and tests, and (when the
# end-to-end crate exists) the end-to-end run against the built app under a private headless
# desktop. Stops at the first failing step and says which one.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

STARTED=$SECONDS
STEPS_DONE=0
CURRENT=""

on_exit() {
    local status=$?
    if ((status != 0)); then
        printf '\ntest: FAILED at step "%s" (exit %d) after %ds; the output above says why\n' \
            "$CURRENT" "$status" $((SECONDS - STARTED)) >&2
    fi
}
trap on_exit EXIT

# step NAME COMMAND...: runs one step, printing its name and time.
step() {
    CURRENT=$1
    shift
    printf '\n==> %s\n' "$CURRENT"
    local begun=$SECONDS
    "$@"
    STEPS_DONE=$((STEPS_DONE + 1))
    printf '<== %s: ok (%ds)\n' "$CURRENT" $((SECONDS - begun))
}

in_ui() { (cd ui && "$@"); }

step "set-up" ./scripts/setup.sh
step "format (cargo fmt --check)" cargo fmt --all -- --check
step "lints (cargo clippy)" cargo clippy --all-targets --locked -- -D warnings
step "tests (cargo test)" cargo test --locked
# The dev profile shares the test build's artefacts: compiling every benchmark in release mode
# would cost minutes more and check nothing extra. Run them with `cargo bench` for figures.
step "benchmarks compile (cargo bench --no-run)" cargo bench --no-run --profile dev --locked
step "UI tests (npm test)" in_ui npm test
step "UI build (npm run build)" in_ui npm run build
step "desktop app lints" \
    cargo clippy -p labdesk --all-targets --features custom-protocol --locked -- -D warnings
step "desktop app build" cargo build -p labdesk --features custom-protocol --locked
step "desktop app tests" cargo test -p labdesk --features custom-protocol --locked

if [[ -d crates/labdesk-e2e ]]; then
    # The end-to-end test drives the built app and starts real agents and labdeskctl.
    step "end-to-end test lints" \
        cargo clippy -p labdesk-e2e --all-targets --locked -- -D warnings
    step "programs for the end-to-end test" cargo build -p labdesk-agent -p labdeskctl --locked
    if [[ -x crates/labdesk-e2e/run.sh ]]; then
        # The end-to-end crate brings its own headless desktop (Xvfb, D-Bus, dunst).
        step "end-to-end tests (headless desktop)" crates/labdesk-e2e/run.sh
    else
        step "end-to-end tests (headless desktop)" \
            ./scripts/lib/headless.sh cargo test -p labdesk-e2e --locked -- --test-threads=1
    fi
else
    printf '\n(no crates/labdesk-e2e yet: end-to-end tests skipped)\n'
fi

CURRENT="summary"
printf '\ntest: all %d steps passed in %ds\n' "$STEPS_DONE" $((SECONDS - STARTED))
