#!/usr/bin/env bash
# Installs the Jupyter kernel "splitscope" (display name "Java (Splitscope)").
#   install/install.sh [--user (default) | --prefix DIR | --sys-prefix]
# Builds the project first when the kernel jar is missing or older than the sources, copies the jars into the
# kernelspec folder (argv uses {resource_dir}, so the folder can move) and pins the JDK 25 found now.
# Plugin jars put in <kernelspec>/lib are loaded when the kernel starts.
set -euo pipefail

usage() {
  sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

target=(--user)
while [ $# -gt 0 ]; do
  case "$1" in
    --user) target=(--user) ;;
    --sys-prefix) target=(--sys-prefix) ;;
    --prefix)
      [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }
      target=(--prefix "$2"); shift ;;
    --prefix=*) target=(--prefix "${1#--prefix=}") ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
source "$here/find-java.sh"
java_bin="$(find_java25)"
java_home="$(dirname "$(dirname "$java_bin")")"

jupyter=/usr/bin/jupyter
if [ ! -x "$jupyter" ]; then
  echo "install.sh: $jupyter not found. Install Jupyter from Debian:" >&2
  echo "  apt-get install -y jupyter-client python3-nbclient jupyter-nbconvert python3-ipykernel" >&2
  exit 1
fi

kernel_jar="$(ls "$root"/kernel/target/splitscope-kernel-*.jar 2>/dev/null | grep -v -- '-tests\.jar$' | head -1 || true)"
needs_build=0
if [ -z "$kernel_jar" ] || [ ! -d "$root/kernel/target/lib" ]; then
  needs_build=1
elif [ -n "$(find "$root/kernel/src/main" "$root/engine/src/main" "$root/pom.xml" "$root/kernel/pom.xml" "$root/engine/pom.xml" \
            -newer "$kernel_jar" -type f -print -quit 2>/dev/null)" ]; then
  needs_build=1
fi
if [ "$needs_build" = 1 ]; then
  echo "install.sh: building (mvn -B -q package -DskipTests) ..."
  (cd "$root" && JAVA_HOME="$java_home" mvn -B -q package -DskipTests)
  kernel_jar="$(ls "$root"/kernel/target/splitscope-kernel-*.jar | grep -v -- '-tests\.jar$' | head -1)"
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
spec="$stage/splitscope"
mkdir -p "$spec/jars" "$spec/lib"
cp "$kernel_jar" "$spec/jars/splitscope-kernel.jar"
cp "$root"/kernel/target/lib/*.jar "$spec/jars/"

# --replace wipes the old kernelspec folder: keep the plugin jars the user put in its lib/
case "${target[0]}" in
  --user) dest="$("$jupyter" --data-dir)/kernels/splitscope" ;;
  --prefix) dest="${target[1]}/share/jupyter/kernels/splitscope" ;;
  --sys-prefix) dest="$(/usr/bin/python3 -c 'import sys; print(sys.prefix)')/share/jupyter/kernels/splitscope" ;;
esac
kept=0
for jar in "$dest"/lib/*.jar; do
  [ -f "$jar" ] || continue
  cp "$jar" "$spec/lib/" && kept=$((kept + 1))
done

/usr/bin/python3 - "$spec/kernel.json" "$java_bin" <<'PY'
import json, sys
path, java = sys.argv[1], sys.argv[2]
spec = {
    "argv": [java,
             "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
             "--sun-misc-unsafe-memory-access=allow", "-Xss4m", "-Djava.awt.headless=true",
             "-cp", "{resource_dir}/jars/*",
             "dev.splitscope.kernel.jupyter.KernelMain", "{connection_file}",
             "--plugin-dir", "{resource_dir}/lib"],
    "display_name": "Java (Splitscope)",
    "language": "java",
    "interrupt_mode": "message",
    "metadata": {"debugger": False},
}
with open(path, "w") as f:
    json.dump(spec, f, indent=2)
PY

out="$("$jupyter" kernelspec install --replace --name splitscope "${target[@]}" "$spec" 2>&1)" || { echo "$out" >&2; exit 1; }
where="$(sed -n 's/.*Installed kernelspec splitscope in //p' <<<"$out")"
echo "Installed the kernel 'splitscope' (Java (Splitscope)) in ${where:-?}"
echo "  JDK: $java_bin"
[ "$kept" = 0 ] || echo "  kept $kept plugin jar(s) from the previous lib/ folder"
case "${target[0]}" in
  --prefix) echo "  This folder is not on Jupyter's default path; use JUPYTER_PATH=${target[1]}/share/jupyter" ;;
esac
