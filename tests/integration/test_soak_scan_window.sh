#!/usr/bin/env bash
# test_sync_scan_window.sh with 3,000 seeded contacts sharing one time (R2):
# fifteen pages in one millisecond, as in the report of the skipped records.
SCAN_SEEDED=3000 exec bash "$(dirname "$0")/test_sync_scan_window.sh"
