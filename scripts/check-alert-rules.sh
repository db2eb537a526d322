#!/bin/sh
# Checks docs/observability/alerts.yml with promtool (Debian: apt-get install prometheus).
# Without promtool it says so and exits 0, so it can run where Prometheus is not installed.
set -eu
cd "$(dirname "$0")/.."
if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not installed: docs/observability/alerts.yml not checked"
  exit 0
fi
promtool check rules docs/observability/alerts.yml
