# shellcheck shell=bash
# Sourced by ./switchboard and the bench scripts: whether a built jar is missing or older than the root pom.xml or any
# pom.xml or main source of the modules it is built from, so a launcher rebuilds instead of running stale code.
#   ROOT=... ; source "$ROOT/bin/sources-newer.sh"
#   if needs_build "$JAR" [MODULE_DIR...]; then <build>; built "$JAR"; fi     # no MODULE_DIR: every module
needs_build() {
  local jar="$1"; shift
  [ -f "$jar" ] || return 0
  [ "$ROOT/pom.xml" -nt "$jar" ] && return 0
  local dirs=("$@") d
  [ "${#dirs[@]}" -gt 0 ] || dirs=(.)
  for d in "${dirs[@]}"; do
    [ -n "$(cd "$ROOT" && find "$d" -path ./.git -prune -o \( -name pom.xml -o -path '*/src/main/*' \) -newer "$jar" -type f \
      -print -quit 2>/dev/null)" ] && return 0
  done
  return 1
}

# built JAR: Maven leaves a jar as it was when only its dependencies changed; this marks it as up to date with them.
built() {
  touch "$1"
}
