#!/usr/bin/env bash
# The repository stands alone: no source, test, script or document cites design notes that
# are not in it, user-facing text speaks of the software (no "(issue N)"), the README's two
# set-up commands run as root without sudo, and every test docs/checksum-cases.md names exists.
# Usage: repo_stands_alone.sh SOURCE_DIR
set -u
cd "$1" || exit 2
failures=0
hits=$(grep -rnIE "DESIGN\.md|CHECKSUM-CASES|LAB-NOTES|ANCHORS\.md|\(issue [0-9]+\)|\bissue [0-9]+\b" \
    src apps tests lab bench docs scripts README.md CONTRIBUTING.md 2>/dev/null |
    grep -v "^tests/fuzz/corpus/" | grep -v "^tests/cli/repo_stands_alone.sh:")
if [ -n "$hits" ]; then
    echo "FAIL: citations of notes outside the repository, or of a tracker:"; echo "$hits"
    failures=$((failures + 1))
fi
if /usr/bin/python3 bench/topology/run.py --help 2>&1 | grep -qiE "issue [0-9]"; then
    echo "FAIL: bench/topology/run.py --help speaks of an issue"; failures=$((failures + 1))
fi
# README's set-up: exactly two commands that work as root on a fresh Debian (no sudo there).
setup=$(awk '/^## Set up/ { on = 1; next } /^## / { on = 0 } on && /^```sh/ { code = 1; next }
    on && /^```/ { code = 0 } on && code' README.md)
if [ "$(echo "$setup" | grep -c .)" != 2 ] || echo "$setup" | grep -q "^sudo"; then
    echo "FAIL: README's set-up is not two commands for root:"; echo "$setup"
    failures=$((failures + 1))
fi
# `layer.Suite.Test` names in docs/checksum-cases.md (a trailing * is a prefix).
names=$(grep -oE '`[a-z]+\.[A-Za-z0-9]+\.[A-Za-z0-9_]+\*?`' docs/checksum-cases.md | tr -d '`' | sort -u)
[ -n "$names" ] || { echo "FAIL: no test names found in docs/checksum-cases.md"; failures=$((failures + 1)); }
for name in $names; do
    layer=${name%%.*} rest=${name#*.}
    suite=${rest%%.*} test=${rest#*.}
    pattern="TEST(_F|_P)?\\($suite, *${test%\*}"
    [ "${test%\*}" = "$test" ] && pattern="$pattern\\)"
    if ! grep -rqE "$pattern" "tests/$layer" 2>/dev/null; then
        echo "FAIL: docs/checksum-cases.md names $name, which tests/$layer does not define"
        failures=$((failures + 1))
    fi
done
for name in $(grep -oE '`(e2e_)?(switch|dataplane)_[a-z_]+\*?`' docs/checksum-cases.md | tr -d '`*' | sort -u); do
    script=${name#e2e_}
    ls tests/e2e/"${script%_}"*.sh >/dev/null 2>&1 || ls tests/e2e/"${script%_}"*.cmake >/dev/null 2>&1 ||
        grep -rq "NAME ${script%_}" tests/e2e/*.cmake ||
        { echo "FAIL: docs/checksum-cases.md names $name, which tests/e2e does not define"; failures=$((failures + 1)); }
done
[ $failures = 0 ] || exit 1
echo "PASS: $(echo "$names" | wc -w) test names checked"
