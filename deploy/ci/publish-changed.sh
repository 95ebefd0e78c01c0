#!/usr/bin/env bash
# Everything the CI workflow (deploy/ci/publish.yml) runs, so it can be run and tested on any
# machine. From the project folder:
#
#   publish-changed.sh install            install sitegen from this checkout
#   publish-changed.sh list BASE          JSON list of the clients changed since commit BASE:
#                                         all of them when BASE is empty or unknown, or when
#                                         something every client shares changed
#   publish-changed.sh publish CLIENT     build and publish CLIENT's demo
#   publish-changed.sh handover CLIENT    hand CLIENT over (after the final payment)
#
# Secrets: SITEGEN_SECRETS may hold the CI's secrets as JSON ({"NAME": "value"}); for a client
# whose site.toml sets [demo] password_env = "NAME", only that one is exported, then
# SITEGEN_SECRETS is unset before sitegen runs. S3 credentials come from the environment
# (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), as boto3 reads them.
set -euo pipefail

PYTHON=${PYTHON:-python3}
SITEGEN=${SITEGEN:-sitegen}
# Paths every client's demo depends on: a change there publishes every client.
SHARED='^(sitegen\.toml|themes/|generator/|pyproject\.toml|deploy/targets\.toml)'

clients() {
    for toml in sites/*/site.toml; do
        [ -f "$toml" ] && basename "$(dirname "$toml")"
    done
}

as_json() {
    "$PYTHON" -c 'import json, sys; print(json.dumps(sys.stdin.read().split()))'
}

changed() {
    base=${1:-}
    if [ -z "$base" ] || ! git cat-file -e "$base^{commit}" 2>/dev/null; then
        clients  # a new branch, a forced push, a first run: everything
        return
    fi
    files=$(git diff --name-only "$base" HEAD)
    if printf '%s\n' "$files" | grep -Eq "$SHARED"; then
        clients
        return
    fi
    printf '%s\n' "$files" | sed -n 's|^sites/\([^/]*\)/.*|\1|p' | sort -u | while read -r name; do
        [ -f "sites/$name/site.toml" ] && echo "$name"
    done
}

export_password() {
    name=$("$PYTHON" - "$1" <<'PY'
import sys, tomllib
with open(f"sites/{sys.argv[1]}/site.toml", "rb") as handle:
    print(tomllib.load(handle).get("demo", {}).get("password_env", ""))
PY
)
    if [ -n "$name" ] && [ -n "${SITEGEN_SECRETS:-}" ]; then
        value=$("$PYTHON" -c 'import json, os, sys; print(json.loads(os.environ["SITEGEN_SECRETS"]).get(sys.argv[1], ""))' "$name")
        export "$name=$value"
    fi
    unset SITEGEN_SECRETS
}

check_client() {
    if [ ! -f "sites/${1:-}/site.toml" ]; then
        echo "publish-changed.sh: no client '${1:-}' (no sites/${1:-}/site.toml)" >&2
        exit 2
    fi
}

command=${1:-}
case "$command" in
    install)
        "$PYTHON" -m pip install --quiet .
        ;;
    list)
        changed "${2:-}" | as_json
        ;;
    publish)
        check_client "${2:-}"
        export_password "$2"
        "$SITEGEN" publish --no-wait "$2"
        ;;
    handover)
        check_client "${2:-}"
        client=$2
        export_password "$client"
        shift 2
        "$SITEGEN" handover "$client" --yes "$@"
        ;;
    *)
        echo "usage: publish-changed.sh install | list BASE | publish CLIENT | handover CLIENT" >&2
        exit 2
        ;;
esac
