#!/bin/sh
# A process group whose leader obeys SIGTERM while its child does not: starts stubborn.sh (beside this
# script) in the background, in this script's group, writes its PID to $1, and waits. SIGTERM ends this
# script at once; only SIGKILL ends the background one.
/bin/sh "$(dirname "$0")/stubborn.sh" &
echo "$!" > "$1"
wait
