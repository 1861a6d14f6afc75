#!/usr/bin/env bash
# npm run test:system: the PBX's boot script and configuration in a real Asterisk (Debian sid's
# package, in a cached chroot), called with sipp across network namespaces set up like EC2's
# Elastic IP NAT (scripts/system-test/network.sh). Needs root. Installs debootstrap if missing.
# If the Debian mirror cannot provide the packages, prints one SKIPPED line and exits 0. Run as
# another user, it prints a SKIPPED line too, except under CI (CI=true), which runs it as root: there
# it fails, so a CI job that lost root cannot pass without testing anything.
set -euo pipefail
cd "$(dirname "$0")/../.."

skip() {
  echo "SKIPPED: Asterisk system test: $*"
  exit 0
}

if ((EUID != 0)); then
  if [[ "${CI:-}" == "true" ]]; then
    echo "FAILED: Asterisk system test: needs root (network namespaces, chroot), and CI runs it as root; run the job as root" >&2
    exit 1
  fi
  skip "needs root (network namespaces, chroot); run it as root or in CI"
fi

missing=()
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v ip >/dev/null || missing+=(iproute2)
if ((${#missing[@]} > 0)); then
  echo "Installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    skip "could not install ${missing[*]} from the Debian mirror"
  fi
fi

work=$(mktemp -d /tmp/chime-call-recorder-system-test.XXXXXX)
readonly work prefix="ccr$$"
jest_pid=
cleanup() {
  if [[ -n "$jest_pid" ]]; then
    kill "$jest_pid" 2>/dev/null || true
  fi
  bash scripts/system-test/network.sh down "$prefix" || true
  if mountpoint -q "$work/root"; then
    umount -R "$work/root" || umount -R -l "$work/root"
  fi
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Preparing the Debian sid chroot (a minute or two the first time on a machine)" >&2
set +e
chroot_dir=$(bash scripts/system-test/sid-chroot.sh 2>"$work/chroot.err")
status=$?
set -e
cat "$work/chroot.err" >&2
if ((status == 3)); then
  skip "$(tail -n 1 "$work/chroot.err")"
elif ((status != 0)); then
  echo "Building the Debian sid chroot failed (exit status $status)" >&2
  exit "$status"
fi

# Each run gets a fresh copy of the cached chroot: an overlay whose changes vanish with the run.
mkdir "$work/upper" "$work/overlay" "$work/root"
mount -t overlay overlay -o "lowerdir=$chroot_dir,upperdir=$work/upper,workdir=$work/overlay" "$work/root"
mount -t proc proc "$work/root/proc"

bash scripts/system-test/network.sh up "$prefix" "$work/root"

# In the background, so that a signal reaches the traps at once rather than after jest ends.
SYSTEM_TEST_ROOT="$work/root" SYSTEM_TEST_NETNS_PREFIX="$prefix" node_modules/.bin/jest --config jest.system.config.js "$@" &
jest_pid=$!
wait "$jest_pid"
