#!/usr/bin/env bash
# Runs every fuzz target in turn for a share of SECONDS (default 2610), seeded with the test
# fixtures, and prints libFuzzer's final line per target. Needs cargo-fuzz; a stable toolchain
# works through RUSTC_BOOTSTRAP=1. No sanitizer (-s none): the crate forbids unsafe code, and
# without ASan the targets run about 8x faster. Logs go to fuzz/logs/.
set -euo pipefail
cd "$(dirname "$0")"
total=${1:-2610}
export RUSTC_BOOTSTRAP=1
# target:share of the time (out of 99): the streamed parsers are the most complex and slowest.
# The local collector's, the config file's, the renderers', stderr's and the streaming servers'
# targets (the last seven) take no fixture as it is: seed_local.py writes seeds for them into
# corpus/ (the streaming servers' fixtures behind the byte that picks their parser).
plan="datarhei_active:20 tchmi_frame:16 datarhei_summary:8 flags:6 datarhei_small:5 filter:3 tchmi_duration:2 local_sockets:6 local_ffmpeg:6 config_file:6 port_map:3 render:6 stderr_line:4 streaming:8"
mkdir -p logs
python3 seed_local.py
cargo fuzz build -O -s none
for entry in $plan; do
  target=${entry%%:*}
  secs=$(( total * ${entry##*:} / 99 ))
  mkdir -p "corpus/$target"
  seeds=()
  case $target in
    datarhei_*) seeds=(../tests/fixtures/datarhei) ;;
    tchmi_frame) seeds=(../tests/fixtures/tchmi) ;;
  esac
  cargo fuzz run -O -s none "$target" "corpus/$target" "${seeds[@]}" -- \
    -max_total_time="$secs" -print_final_stats=1 >"logs/$target.log" 2>&1 || true
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' || echo '?')
  crash=$(grep -o 'Test unit written to .*' "logs/$target.log" || echo 'no crash')
  echo "$target: ${secs}s, $runs executions, $crash"
done
