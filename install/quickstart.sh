#!/usr/bin/env bash
# The main job: build, install the "Java (Splitscope)" kernel, and execute the teaching notebooks end to end in a
# real Jupyter client (nbconvert/nbclient), writing an HTML copy of each to notebooks/out/.
# The model is $SPLITSCOPE_MODEL, else ../shared/models/stories260K.gguf, else a small synthetic model (random text).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
source "$here/find-java.sh"
java_bin="$(find_java25)"
export JAVA_HOME="$(dirname "$(dirname "$java_bin")")"

if [ ! -x /usr/bin/jupyter-nbconvert ] || ! /usr/bin/python3 -c "import jupyter_client, nbclient" 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "quickstart: installing Jupyter from Debian (jupyter-client, python3-nbclient, jupyter-nbconvert)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      jupyter-client python3-nbclient jupyter-nbconvert python3-ipykernel >/dev/null
  else
    echo "quickstart: Jupyter is missing. Install it with: sudo apt-get install jupyter-client python3-nbclient jupyter-nbconvert" >&2
    exit 1
  fi
fi

cd "$root"
echo "quickstart: building (mvn package)..."
mvn -B -q package -DskipTests
bash "$here/install.sh" --user

model="${SPLITSCOPE_MODEL:-}"
if [ -z "$model" ] && [ -f "$root/../shared/models/stories260K.gguf" ]; then
  model="$(cd "$root/../shared/models" && pwd)/stories260K.gguf"
fi
if [ -z "$model" ]; then
  model="$root/notebooks/out/synthetic-stories260k.gguf"
  mkdir -p "$root/notebooks/out"
  echo "quickstart: no real model found (set SPLITSCOPE_MODEL or run install/fetch-model.sh)."
  echo "quickstart: writing a synthetic model with random weights: its text will be random, the splits are real."
  "$here/splitscope" synth --preset stories-260k --type F32 -o "$model"
fi
export SPLITSCOPE_MODEL="$model"
echo "quickstart: model $SPLITSCOPE_MODEL"

mkdir -p "$root/notebooks/out"
for nb in "$root"/notebooks/0*.ipynb; do
  echo "quickstart: executing $(basename "$nb")..."
  /usr/bin/jupyter nbconvert --to html --execute --ExecutePreprocessor.kernel_name=splitscope \
    --ExecutePreprocessor.timeout=600 --output-dir "$root/notebooks/out" "$nb"
done
echo "quickstart: done. HTML copies are in $root/notebooks/out/"
