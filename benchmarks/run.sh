#!/usr/bin/env bash
# Runs every TypedSse benchmark and writes benchmarks/results/benchmarks.md. It is not a test: ./test.sh never runs
# it. All traffic stays on 127.0.0.1; every phase is bounded in time and every server process is stopped at the end.
# Takes about 7 minutes on a 2-core machine. See docs/benchmarks.md for what is measured and how.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
started=$(date +%s)
results=$PWD/results
rm -rf "$results"
mkdir -p "$results"
step() { echo "== $1 ($(( $(date +%s) - started )) s)"; }

# 10,000 idle connections need 10,000 descriptors in the load generator and as many in the server.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 20000 ]; then
  ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi

step "Build"
for project in TypedSse.Benchmarks.Servers TypedSse.Benchmarks.Load TypedSse.Benchmarks.Micro TypedSse.Benchmarks.Generator; do
  dotnet build "$project/$project.csproj" -c Release -nologo -clp:ErrorsOnly -v:quiet
done
(cd node && npm ci --no-audit --no-fund --loglevel=error)

step "Machine"
{
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB,"
  echo "$(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r), .NET $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/{v=$2} END{print v}'), Node $(node --version)."
  echo "Servers run pinned to CPU 1 and the load generator to CPU 0 (taskset), so each server has one core and never competes with"
  echo "the load generator. Load average when the run started: $(cut -d' ' -f1-3 /proc/loadavg) (the last column of the detailed fan-out table"
  echo "shows how much CPU other processes took during each measurement)."
} > "$results/machine.md"

step "Fan-out and idle connections"
taskset -c 0 dotnet TypedSse.Benchmarks.Load/bin/Release/net10.0/TypedSse.Benchmarks.Load.dll \
  --servers-dll TypedSse.Benchmarks.Servers/bin/Release/net10.0/TypedSse.Benchmarks.Servers.dll \
  --node-dir node --server-cpus 1 --out "$results"

step "Micro-benchmarks"
(cd TypedSse.Benchmarks.Micro && dotnet bin/Release/net10.0/TypedSse.Benchmarks.Micro.dll --artifacts "$results/bdn" > "$results/bdn.log" 2>&1) \
  || { echo "The micro-benchmarks failed; see $results/bdn.log"; exit 1; }

step "Generator"
(cd TypedSse.Benchmarks.Generator && dotnet bin/Release/net10.0/TypedSse.Benchmarks.Generator.dll --artifacts "$results/generator" > "$results/generator.log" 2>&1) \
  || { echo "The generator benchmark failed; see $results/generator.log"; exit 1; }

step "Client parser"
set +e
node node/build-parser.mjs 2> "$results/parser-build.log"
built=$?
set -e
if [ "$built" = 0 ]; then
  node node/parser-bench.mjs --out "$results/parser.md" --json "$results/parser.json"
elif [ "$built" = 3 ]; then
  echo "Skipped: src/TypedSse.TypeScript/runtime/parser.ts is not on this branch yet (set TYPEDSSE_PARSER_TS to a parser.ts to measure one)." > "$results/parser-skipped.txt"
  cat "$results/parser-skipped.txt"
else
  cat "$results/parser-build.log"
  exit 1
fi

step "Report"
dotnet TypedSse.Benchmarks.Load/bin/Release/net10.0/TypedSse.Benchmarks.Load.dll report "$results"
echo "Done in $(( $(date +%s) - started )) s: $results/benchmarks.md"
