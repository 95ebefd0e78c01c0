#!/bin/sh
# Installs Debian's Chromium (and fonts that draw Arabic) for the browser tests, if missing.
# Playwright drives this Chromium; it never downloads a browser of its own.
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    chromium fonts-noto-core fonts-liberation
