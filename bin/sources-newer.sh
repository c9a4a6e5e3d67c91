# shellcheck shell=bash
# Sourced by ./switchboard and bench/overhead.sh: whether a built jar is missing or older than any pom.xml or main
# source in the checkout, so a launcher rebuilds instead of running stale code.
#   ROOT=... ; source "$ROOT/bin/sources-newer.sh"; if needs_build "$JAR"; then ...; fi
needs_build() {
  [ -f "$1" ] || return 0
  [ -n "$(find "$ROOT" -path "$ROOT/.git" -prune -o \( -name pom.xml -o -path '*/src/main/*' \) -newer "$1" -type f -print -quit 2>/dev/null)" ]
}
