#!/usr/bin/env bash
# Check the pinned Python packages (requirements.txt, requirements-dev.txt) against the known
# vulnerability databases (PyPI's, through pip-audit). Needs the network.
#
# Exit 0: no known vulnerability (other than those justified in security/pip-audit-ignore.txt).
# Exit 1: a known vulnerability: upgrade the package (make lock) or justify it in the ignore file.
# Exit 3: the audit could not run (no network, or some packages could not be looked up): NOTHING
#         WAS CHECKED. CI fails on this too unless PIP_AUDIT_OFFLINE_OK=1 says to carry on knowingly.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}

ignores=()
while read -r id _reason; do
  [[ -z "$id" || "$id" == \#* ]] && continue
  ignores+=(--ignore-vuln "$id")
done < security/pip-audit-ignore.txt

output=$(mktemp)
trap 'rm -f "$output"' EXIT
"$BIN/pip-audit" --strict --no-deps --disable-pip --progress-spinner off \
  -r requirements.txt -r requirements-dev.txt "${ignores[@]}" >"$output" 2>&1
status=$?
cat "$output"

if grep -qE "could not be audited|ConnectionError|NameResolutionError|Max retries exceeded|Failed to establish" "$output"; then
  echo
  echo "pip-audit: the vulnerability database could not be reached or could not look every package up."
  echo "pip-audit: NOTHING WAS CHECKED. Run again with network access to pypi.org."
  if [[ "${PIP_AUDIT_OFFLINE_OK:-0}" == 1 ]]; then
    echo "pip-audit: PIP_AUDIT_OFFLINE_OK=1, so carrying on without the audit."
    exit 0
  fi
  exit 3
fi
if ((status != 0)); then
  echo
  echo "pip-audit: known vulnerabilities above. Upgrade the package (edit requirements*.in, make lock) or, if"
  echo "pip-audit: it cannot affect YOS Audit, add its ID with the reason to security/pip-audit-ignore.txt."
  exit 1
fi
echo "pip-audit: no known vulnerabilities in the pinned packages."
