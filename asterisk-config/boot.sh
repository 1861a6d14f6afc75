#!/usr/bin/env bash
# Boot script of the Asterisk test PBX, run once as root by cloud-init (EC2 user data) on Ubuntu
# 24.04: installs Asterisk from Ubuntu's packages, writes the configuration rendered from
# asterisk-config/, generates the softphone's password and starts Asterisk.
# Its output is in /var/log/cloud-init-output.log.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
readonly public_ip="@@PUBLIC_IP@@"
readonly sip_port="@@SIP_PORT@@"
readonly phone_number="@@PHONE_NUMBER@@"
readonly password_file=/etc/asterisk/pjsip_softphone_password.conf
readonly credentials_file=/root/softphone.txt

# At first boot apt competes with cloud-init and unattended-upgrades for its lock, and a mirror
# can fail for a moment: wait for the lock, and retry.
apt_get() {
  local attempt
  for attempt in 1 2 3 4 5; do
    if apt-get -o DPkg::Lock::Timeout=600 -q -y "$@"; then
      return 0
    fi
    echo "apt-get $* failed (attempt $attempt of 5)" >&2
    sleep $((attempt * 15))
  done
  return 1
}

# Creates a file readable by Asterisk only, before anything is written to it.
create_private_file() {
  install -m 0640 -o asterisk -g asterisk /dev/null "$1"
}

# Writes one configuration file from standard input.
write_asterisk_config() {
  create_private_file "/etc/asterisk/$1"
  cat >"/etc/asterisk/$1"
}

# The files of asterisk-config/, rendered for this deployment.
write_asterisk_configuration() {
@@ASTERISK_CONFIG_FILES@@
}

# The softphone's password exists only here: generated at first boot, kept across restarts.
generate_softphone_password() {
  if [[ ! -s "$password_file" ]]; then
    create_private_file "$password_file"
    printf 'password=%s\n' "$(openssl rand -hex 16)" >"$password_file"
  fi
}

write_softphone_credentials() {
  local password
  password=$(sed -n 's/^password=//p' "$password_file")
  install -m 0600 /dev/null "$credentials_file"
  cat >"$credentials_file" <<CREDENTIALS
SIP account of the test PBX (plain SIP over UDP; the security group must allow your address):
  server:    ${public_ip}:${sip_port}
  username:  softphone
  password:  ${password}
Dial a US number (+1NXXNXXXXXX, 1NXXNXXXXXX or NXXNXXXXXX) to call out through the voice
connector as ${phone_number}; dial 600 for the echo test.
CREDENTIALS
}

# Asterisk's control socket appears a moment after the service starts.
wait_for_asterisk() {
  local attempt
  for attempt in $(seq 1 60); do
    if asterisk -rx 'core waitfullybooted' >/dev/null 2>&1; then
      return 0
    fi
    sleep 2
  done
  echo "Asterisk did not start within $((attempt * 2)) seconds; see journalctl -u asterisk" >&2
  return 1
}

apt_get update
apt_get install asterisk asterisk-core-sounds-en-gsm
# The package starts Asterisk with its sample configuration; replace it before running again.
systemctl stop asterisk
# pbx_config would read the sample users.conf, deprecated since Asterisk 21; this PBX has no users.
rm -f /etc/asterisk/users.conf
write_asterisk_configuration
generate_softphone_password
write_softphone_credentials
systemctl enable asterisk
systemctl start asterisk

wait_for_asterisk
endpoint=$(asterisk -rx 'pjsip show endpoint voice-connector')
if ! grep -q 'Endpoint: *voice-connector' <<<"$endpoint"; then
  echo "Asterisk runs without its voice-connector endpoint; see /var/log/asterisk/messages" >&2
  exit 1
fi
echo "Asterisk answers ${phone_number} at ${public_ip}; softphone credentials: ${credentials_file}"
