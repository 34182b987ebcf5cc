#!/usr/bin/env bash
# The crash-safety scenario of test_sync_kill.sh at 10,000 records per side
# (long: carries the soak label).
KILL_N=10000 exec bash "$(dirname "$0")/test_sync_kill.sh"
