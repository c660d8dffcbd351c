# Sourced by run.sh and run-spark.sh (from the repository root, with `log` defined): the
# benchmarks' virtualenv with maturin, and the privet extension built into it in release mode.
# Usage: build_extension VENV
build_extension() {
  local venv=$1
  if [ ! -x "$venv/bin/python" ]; then
    log "creating $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'maturin>=1.9,<2'
  fi
  log "building the privet extension (maturin develop --release)"
  (cd python && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" maturin develop --release --quiet)
}
