#!/bin/sh
# On SIGTERM takes a moment to finish, as a server draining its connections does.
trap 'sleep 1; echo drained; exit 0' TERM
echo ready
while :; do sleep 0.1; done
