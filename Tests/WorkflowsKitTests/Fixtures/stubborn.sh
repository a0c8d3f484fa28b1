#!/bin/sh
# Ignores SIGINT and SIGTERM and says so; only SIGKILL ends it.
trap '' INT TERM
echo ready
while :; do sleep 1; done
