#!/usr/bin/env bash
# Runs the whole test suite on a JDK >= 25: mvn -B verify.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/find-java.sh"
java_bin="$(find_java25)"
export JAVA_HOME="$(dirname "$(dirname "$java_bin")")"
# Maven 3.8 still uses sun.misc.Unsafe; keep JDK 25 from warning about it on every run.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
cd "$here/.."
exec mvn -B verify "$@"
