#!/usr/bin/env bash
# Runs every TypedSse test: installs what is missing, builds, runs each .NET test project and each npm test suite,
# and ends with one summary line. Safe to run again.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

passed=0
failed=0
broken=()
results=$(mktemp -d)

count() { # $1 = suite name, $2 = passed, $3 = failed, $4 = exit code
  passed=$((passed + $2))
  failed=$((failed + $3))
  if [ "$4" != 0 ] && [ "$3" = 0 ]; then
    broken+=("$1 (exit code $4)")
    failed=$((failed + 1))
  fi
}

echo "== Prerequisites"
if ! eng/install-prerequisites.sh; then
  echo "Installing prerequisites failed."
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== Build"
if ! dotnet build TypedSse.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "The build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

for project in $(git ls-files 'tests/*.csproj'); do
  grep -q '<IsTestProject>true</IsTestProject>' "$project" || continue # a test server, driven by an npm suite
  name=$(basename "$project" .csproj)
  echo "== $name"
  dotnet test "$project" -c Release --no-build -nologo 2>&1 | tee "$results/$name.log"
  code=${PIPESTATUS[0]}
  line=$(grep -E '(Passed|Failed)! +- +Failed: +[0-9]+, Passed: +[0-9]+' "$results/$name.log" | tail -n 1)
  p=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$line"); f=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")
  count "$name" "${p:-0}" "${f:-0}" "$code"
done

for manifest in $(git ls-files '*package.json' | grep -v node_modules); do
  dir=$(dirname "$manifest")
  grep -q '"test"' "$manifest" || continue
  echo "== npm test in $dir"
  (cd "$dir" && npm test --silent) 2>&1 | tee "$results/npm.log"
  code=${PIPESTATUS[0]}
  p=$(grep -E '^# pass [0-9]+' "$results/npm.log" | tail -n 1 | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "$results/npm.log" | tail -n 1 | awk '{print $3}')
  count "npm test in $dir" "${p:-0}" "${f:-0}" "$code"
done

rm -rf "$results"
echo
for suite in "${broken[@]}"; do echo "Suite failed without a failing test: $suite"; done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
