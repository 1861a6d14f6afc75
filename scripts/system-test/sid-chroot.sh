#!/usr/bin/env bash
# Prints the path of a Debian sid chroot with Asterisk and sipp installed, building it first if
# this machine has none for the current package list. Debian packages Asterisk in sid only
# (bookworm and trixie have none). Builds go to a temporary folder renamed into place at the
# end, so an interrupted build never looks finished. Progress goes to standard error.
# Exit status 3: the mirror could not provide the packages (the caller skips the test).
set -euo pipefail

readonly cache_root=/var/cache/chime-call-recorder-system-test
readonly suite=sid
# asterisk and its prompts are what the boot script installs on the PBX; openssl is on every
# Ubuntu server image (the boot script uses it); sip-tester (sipp) places the test calls,
# iptables plays EC2's Elastic IP NAT and dnsmasq the VPC's DNS resolver.
readonly packages=(asterisk asterisk-core-sounds-en-gsm openssl sip-tester iptables dnsmasq-base)

# The mirror this machine installs Debian packages from, so the test needs no other host;
# SYSTEM_TEST_DEBIAN_MIRROR overrides it.
debian_mirror() {
  local uri=${SYSTEM_TEST_DEBIAN_MIRROR:-}
  if [[ -n "$uri" ]]; then
    echo "$uri"
    return
  fi
  uri=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\/\{0,1\}\) *$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
  if [[ -z "$uri" ]]; then
    uri=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\(http[^ ]*\/debian\/\{0,1\}\) .*/\2/p' /etc/apt/sources.list 2>/dev/null | head -n 1)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

unavailable() {
  echo "$1" >&2
  exit 3
}

mirror=$(debian_mirror)
key=$(printf '%s\n' "$suite" "$mirror" "${packages[@]}" | cat - "$0" | sha256sum | cut -c1-16)
target="$cache_root/$suite-$key"
if [[ -x "$target/usr/sbin/asterisk" ]]; then
  echo "$target"
  exit 0
fi

mkdir -p "$cache_root"
building=$(mktemp -d "$cache_root/.building.XXXXXX")
trap 'rm -rf --one-file-system "$building"' EXIT
log="$building.log"

echo "Building a Debian $suite chroot from $mirror (log: $log)" >&2
if ! debootstrap --variant=minbase "$suite" "$building/root" "$mirror" >"$log" 2>&1; then
  unavailable "debootstrap $suite from $mirror failed: $(tail -n 1 "$log")"
fi
# Services must not start inside the chroot: the test starts Asterisk itself, in its namespace.
printf '#!/bin/sh\nexit 101\n' >"$building/root/usr/sbin/policy-rc.d"
chmod 0755 "$building/root/usr/sbin/policy-rc.d"
# A mirror that serves a snapshot of sid has an expired Release file; the packages are what
# the test wants all the same.
in_chroot() {
  chroot "$building/root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
}
if ! in_chroot apt-get -q -o Acquire::Check-Valid-Until=false update >>"$log" 2>&1; then
  unavailable "apt-get update in the $suite chroot failed: $(tail -n 1 "$log")"
fi
if ! in_chroot apt-get -q -y --no-install-recommends install "${packages[@]}" >>"$log" 2>&1; then
  unavailable "the $suite mirror could not provide ${packages[*]}: $(grep -m 1 '^E:' "$log" || tail -n 1 "$log")"
fi
in_chroot apt-get clean

mv -T "$building/root" "$target"
# Earlier builds (other package lists) are of no further use.
find "$cache_root" -mindepth 1 -maxdepth 1 -name "$suite-*" ! -path "$target" -exec rm -rf --one-file-system {} +
rm -f "$log"
echo "$target"
