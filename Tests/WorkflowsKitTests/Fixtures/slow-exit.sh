#!/bin/sh
# On SIGTERM takes a moment to finish, as a server draining its connections does. Touches $1, if given,
# once the trap is set.
trap 'sleep 1; echo drained; exit 0' TERM
[ -n "$1" ] && : > "$1"
echo ready
while :; do sleep 0.1; done
