#!/usr/bin/env bash
# The system test's network, in namespaces of its own, with documentation addresses only:
#
#   <prefix>-pbx    Asterisk on 192.0.2.10 (the instance's private address in its subnet)
#   <prefix>-igw    EC2's internet gateway: maps the Elastic IP 203.0.113.10 to 192.0.2.10 and back;
#                   also holds the VPC's DNS resolver address 192.0.2.2 (the subnet's base plus two)
#   <prefix>-world  the hosts that call the PBX: the voice connector (198.51.100.10, inside the
#                   stand-in signalling range 198.51.100.0/28), a softphone (198.51.100.20) and a
#                   stranger (198.51.100.99)
#
# Usage: network.sh up <prefix> <chroot>   (iptables comes from the chroot)
#        network.sh down <prefix>          (ends every process in the namespaces, then removes them)
set -euo pipefail

readonly action=${1:?usage: network.sh up|down <prefix> [chroot]}
readonly prefix=${2:?usage: network.sh up|down <prefix> [chroot]}
readonly pbx="$prefix-pbx" igw="$prefix-igw" world="$prefix-world"

in_ns() {
  local ns=$1
  shift
  ip netns exec "$ns" "$@"
}

up() {
  local root=${1:?network.sh up needs the chroot holding iptables}
  local ns
  for ns in "$pbx" "$igw" "$world"; do
    ip netns add "$ns"
    in_ns "$ns" ip link set lo up
  done

  # The subnet: instance and gateway.
  ip link add "${prefix}p0" netns "$pbx" type veth peer name "${prefix}g0" netns "$igw"
  in_ns "$pbx" ip addr add 192.0.2.10/24 dev "${prefix}p0"
  in_ns "$pbx" ip link set "${prefix}p0" up
  in_ns "$pbx" ip route add default via 192.0.2.1
  in_ns "$igw" ip addr add 192.0.2.1/24 dev "${prefix}g0"
  in_ns "$igw" ip addr add 192.0.2.2/24 dev "${prefix}g0"
  in_ns "$igw" ip link set "${prefix}g0" up

  # The internet side: the gateway answers for the Elastic IP.
  ip link add "${prefix}g1" netns "$igw" type veth peer name "${prefix}w0" netns "$world"
  in_ns "$igw" ip addr add 203.0.113.1/24 dev "${prefix}g1"
  in_ns "$igw" ip addr add 203.0.113.10/32 dev "${prefix}g1"
  in_ns "$igw" ip link set "${prefix}g1" up
  in_ns "$igw" ip route add 198.51.100.0/24 via 203.0.113.2
  in_ns "$world" ip addr add 203.0.113.2/24 dev "${prefix}w0"
  in_ns "$world" ip link set "${prefix}w0" up
  in_ns "$world" ip route add default via 203.0.113.1
  local host
  for host in 198.51.100.10 198.51.100.20 198.51.100.99; do
    in_ns "$world" ip addr add "$host/32" dev lo
  done

  # One-to-one NAT between the Elastic IP and the private address, as EC2 does.
  in_ns "$igw" sysctl -q -w net.ipv4.ip_forward=1
  local iptables=(chroot "$root" iptables -w)
  in_ns "$igw" "${iptables[@]}" -t nat -A PREROUTING -d 203.0.113.10 -j DNAT --to-destination 192.0.2.10
  in_ns "$igw" "${iptables[@]}" -t nat -A POSTROUTING -s 192.0.2.10 -j SNAT --to-source 203.0.113.10
}

down() {
  local ns pid
  for ns in "$pbx" "$igw" "$world"; do
    if ip netns list | grep -q "^$ns\b"; then
      for pid in $(ip netns pids "$ns"); do
        kill -KILL "$pid" 2>/dev/null || true
      done
      ip netns del "$ns"
    fi
  done
}

case "$action" in
  up) up "${3:-}" ;;
  down) down ;;
  *)
    echo "network.sh: unknown action '$action'; use up or down" >&2
    exit 2
    ;;
esac
