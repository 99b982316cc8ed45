#!/bin/sh
# Installs the Borealis agent from a binary you already have (nothing is downloaded):
#   sudo sh install.sh --binary ./borealis-agent-linux-x64 --server https://borealis.example:5000 \
#        --enrollment-token <token> [--home /opt/borealis-agent]
# The binary does the work (`borealis-agent install`): copies itself to <home>/borealis-agent,
# enrolls, writes /etc/systemd/system/borealis-agent.service and starts it; without systemd as
# PID 1 (containers) it launches the agent in the background instead and says so.
# Upgrade: run it again with the new binary (credentials are kept; no token needed).
set -eu

usage() {
  echo "usage: $0 --binary PATH --server URL [--enrollment-token TOKEN] [--home DIR]" >&2
  exit 2
}

binary=''
server=''
token=''
home=''
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) [ $# -ge 2 ] || usage; binary=$2; shift 2 ;;
    --server) [ $# -ge 2 ] || usage; server=$2; shift 2 ;;
    --enrollment-token) [ $# -ge 2 ] || usage; token=$2; shift 2 ;;
    --home) [ $# -ge 2 ] || usage; home=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
[ -n "$binary" ] && [ -n "$server" ] || usage
[ -f "$binary" ] || { echo "binary not found: $binary" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
  echo "run as root (sudo): the agent installs a systemd unit and runs root scripts" >&2
  exit 1
fi
# A copied download may have lost its execute bit; the installed copy gets 0755 anyway.
[ -x "$binary" ] || chmod +x "$binary"

set -- install --server "$server"
[ -n "$token" ] && set -- "$@" --enrollment-token "$token"
[ -n "$home" ] && set -- "$@" --home "$home"
exec "$binary" "$@"
