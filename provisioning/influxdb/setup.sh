#!/bin/sh
# Sets up InfluxDB for zonewatch — 1.x: database, retention policies `raw` (default) and `one_min`,
# continuous queries for 1-minute HR/SpO2 means; 2.x: buckets, DBRP mappings, down-sampling task,
# scoped tokens; 3.x: database. Idempotent. Configuration from the environment; see
# provisioning/DEPLOY.md ("InfluxDB set-up") for the variables.
#
#   INFLUX_URL=http://127.0.0.1:8086 provisioning/influxdb/setup.sh [--backfill 6h]
set -eu
cd "$(dirname "$0")/../.."
exec node --import tsx provisioning/src/influx-setup.ts "$@"
