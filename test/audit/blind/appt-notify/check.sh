#!/usr/bin/env bash
set -euo pipefail
loc="$1"
curl -s "https://appointments.example/api/slots?location=${loc}&limit=1" | jq -r '.[0].start'
