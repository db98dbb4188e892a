#!/usr/bin/env bash
# Builds a self-contained Splitscope bundle for Linux x86-64 GPU hosts without a JDK:
#   dist/splitscope-linux-x86_64.tar.gz = runtime/ (jlink) + lib/*.jar + bin/splitscope
# Usage: install/bundle.sh [--with-tests]   (--with-tests adds the engine test jar + JUnit console, for GPU test runs)
# Needs a JDK >= 25 here (for jlink) and a built engine (runs `mvn package` when the jar is missing).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
source "$here/find-java.sh"
java_bin="$(find_java25)"
jdk="$(cd "$(dirname "$java_bin")/.." && pwd)"
with_tests=0
[ "${1:-}" = "--with-tests" ] && with_tests=1

jar="$(ls "$root"/engine/target/splitscope-engine-*-SNAPSHOT.jar 2>/dev/null | grep -v tests | head -1 || true)"
if [ -z "$jar" ] || [ ! -d "$root/engine/target/lib" ]; then
  (cd "$root" && mvn -B -q -pl engine -am package -DskipTests)
  jar="$(ls "$root"/engine/target/splitscope-engine-*-SNAPSHOT.jar | grep -v tests | head -1)"
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
out="$stage/splitscope"
mkdir -p "$out/bin" "$out/lib"

# 1. The runtime: the modules the engine and its libraries use (jdeps), nothing for a GUI beyond java.desktop's beans.
"$jdk/bin/jlink" --add-modules java.base,jdk.incubator.vector,jdk.unsupported,java.logging,java.management,jdk.management,java.sql,java.desktop,java.xml,java.naming,jdk.zipfs,jdk.jfr \
  --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output "$out/runtime"

# 2. The jars. JCuda's natives jar is cut down to the driver-API library: the backend binds NVRTC and cuBLAS
#    through FFM, so JCuda's runtime, NVRTC and 24 MB PTX-compiler libraries are dead weight.
cp "$jar" "$out/lib/"
for f in "$root"/engine/target/lib/*.jar; do
  case "$(basename "$f")" in
    jcuda-natives-*)
      tmp="$stage/natives" && mkdir -p "$tmp" && (cd "$tmp" && unzip -q "$f" 'lib/libJCudaDriver-*' 'META-INF/MANIFEST.MF')
      (cd "$tmp" && "$jdk/bin/jar" --create --file "$out/lib/$(basename "$f")" --manifest META-INF/MANIFEST.MF lib) ;;
    *) cp "$f" "$out/lib/" ;;
  esac
done
if [ "$with_tests" = 1 ]; then
  cp "$root"/engine/target/splitscope-engine-*-tests.jar "$out/lib/"
  console="$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/1.13.4/junit-platform-console-standalone-1.13.4.jar"
  [ -f "$console" ] || mvn -B -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.13.4
  mkdir -p "$out/test" && cp "$console" "$out/test/"
fi

# 3. The launchers.
cat > "$out/bin/splitscope" <<'LAUNCH'
#!/usr/bin/env bash
# Splitscope CLI on the bundled runtime (no JDK needed).
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$here/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -XX:+UseParallelGC -Xss4m ${SPLITSCOPE_JAVA_OPTS:-} -cp "$here/lib/*" dev.splitscope.engine.cli.Main "$@" \
  2> >(grep -v "Using incubator modules" >&2)
LAUNCH
cat > "$out/bin/splitscope-java" <<'LAUNCH'
#!/usr/bin/env bash
# The bundled java with Splitscope's flags and class path: splitscope-java MAIN_CLASS args...
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$here/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -XX:+UseParallelGC -Xss4m ${SPLITSCOPE_JAVA_OPTS:-} -cp "$here/lib/*" "$@"
LAUNCH
chmod +x "$out/bin/"*

mkdir -p "$root/dist"
tarball="$root/dist/splitscope-linux-x86_64.tar.gz"
tar -C "$stage" -czf "$tarball" splitscope
size=$(stat -c %s "$tarball")
echo "bundle: $tarball ($((size / 1024 / 1024)) MB)"
[ "$size" -lt $((60 * 1024 * 1024)) ] || { echo "bundle is over 60 MB" >&2; exit 1; }
