#!/usr/bin/env bash
# Sourced by ./switchboard and ./verify: finds a JDK 25+ and exports JAVA_HOME, or explains what to install.
java_major() { # prints the major version of the java binary $1, or 0
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')
  echo "${v:-0}" | cut -d. -f1
}

find_jdk() {
  local c
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 \
           /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-25-openjdk-arm64 /usr/lib/jvm/*25* /usr/lib/jvm/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/* /opt/java/* /opt/jdk*; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    if [ "$(java_major "$c/bin/java")" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  if command -v javac >/dev/null 2>&1; then
    c=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if [ "$(java_major "$c/bin/java")" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
  fi
  return 1
}

if ! JDK=$(find_jdk); then
  cat >&2 <<'MSG'
switchboard: needs a JDK 25 or newer, and none was found (checked JAVA_HOME, /usr/lib/jvm, macOS and SDKMAN locations).
Install one, then run this command again:
  Debian/Ubuntu: add the Adoptium repository (https://adoptium.net/installation/linux/) and `apt-get install temurin-25-jdk`
  macOS:         brew install --cask temurin@25
  SDKMAN:        sdk install java 25-tem
or point JAVA_HOME at an existing JDK 25.
MSG
  exit 1
fi
export JAVA_HOME="$JDK"
