#!/bin/sh
# Leaves a process behind that outlives this script, as `podman run --detach` leaves conmon: it writes
# the background process's PID to $2, prints its own PID, and exits at once. The background process
# sleeps, keeping what it inherited, by $1:
#   detached  every descriptor but stdin, stdout and stderr (which it points at /dev/null), so also the
#             one Foundation's Process watches to notice this script's exit;
#   stdout    every descriptor, stdout included.
case "$1" in
  detached) sleep 300 </dev/null >/dev/null 2>&1 & ;;
  stdout) sleep 300 & ;;
  *) echo "usage: daemonize.sh detached|stdout PIDFILE" >&2; exit 64 ;;
esac
echo "$!" > "$2"
echo "child=$$"
exit 0
