#!/bin/sh
# Removes the Borealis agent: stops it, deletes the systemd unit and the whole home folder
# (binary copy, credentials, config, outbox, logs, Roles/).
#   sudo sh remove.sh [--home /opt/borealis-agent]
# The device stays listed on the server until you delete it there (DELETE /api/devices/:id).
set -eu
home=/opt/borealis-agent
if [ "${1:-}" = "--home" ] && [ -n "${2:-}" ]; then home=$2; fi
if [ ! -x "$home/borealis-agent" ]; then
  echo "no agent binary in $home" >&2
  exit 1
fi
exec "$home/borealis-agent" remove --home "$home"
