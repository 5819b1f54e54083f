#!/bin/sh
# fleet-host.sh NAME CMD [ARGS...]: runs CMD as a "host" of its own, for
# the fleet test (test-live.c) and the relay benchmark (bench-relay.c).
# Run it under `unshare --uts --mount --propagation private`: the host name
# is NAME in its own UTS namespace, and a tmpfs over LTTng's run directory
# and /dev/shm in its own mount namespace gives it a session daemon of its
# own, which it ends by its pid when CMD is done. Exits with CMD's status.
set -e
mkdir -p /var/run/lttng
mount -t tmpfs none /var/run/lttng
mount -t tmpfs none /dev/shm
hostname "$1"
shift
lttng-sessiond --daemonize
set +e
"$@"
rc=$?
kill "$(cat /var/run/lttng/lttng-sessiond.pid)"
exit $rc
