#!/usr/bin/env bash
# scripts/demo.sh NSSET ROOTFS: a short demonstration of isolation.
set -eu
echo "demo: to come with nsset run"
"$1" --version
