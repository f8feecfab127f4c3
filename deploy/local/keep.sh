#!/usr/bin/env bash
# Run a command and start it again when it dies (as systemd's Restart= or Kubernetes
# would): honcho alone stops everything when one process ends, and a node that crashed
# must not take the others down. TERM/INT stop the command and this loop.
child=0
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT
while true; do
  "$@" &
  child=$!
  wait "$child"
  echo "keep.sh: '$1' ended ($?); starting it again in 1s" >&2
  sleep 1
done
