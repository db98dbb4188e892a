#!/usr/bin/env bash
# Downloads small real GGUF models for users with internet access, and checks each file's SHA-256.
#   install/fetch-model.sh [DIR]      (default DIR: ~/.cache/splitscope/models)
# stories260K (1.2 MB, llama2.c's TinyStories model) has a pinned checksum. Qwen3-0.6B Q8_0 (~640 MB) is checked
# against the SHA-256 that Hugging Face publishes for the file (its LFS object id), read from the hub's API.
set -euo pipefail
dir="${1:-${HOME}/.cache/splitscope/models}"
mkdir -p "$dir"

fail() { echo "fetch-model: $*" >&2; exit 1; }
command -v curl >/dev/null || fail "curl is required (apt-get install curl)"

verify() { # file expected-sha256
  local got
  got="$(sha256sum "$1" | cut -d' ' -f1)"
  [ "$got" = "$2" ] || { rm -f "$1"; fail "checksum mismatch for $1: expected $2, got $got (file removed)"; }
  echo "fetch-model: $1 OK (sha256 $got)"
}

fetch() { # name expected-sha256 url...
  local name="$1" sum="$2" out="$dir/$1" url
  shift 2
  if [ -f "$out" ] && [ "$(sha256sum "$out" | cut -d' ' -f1)" = "$sum" ]; then echo "fetch-model: $out already present"; return; fi
  for url in "$@"; do
    echo "fetch-model: downloading $name from $url"
    if curl -fL --retry 2 -o "$out.part" "$url"; then mv "$out.part" "$out"; verify "$out" "$sum"; return; fi
  done
  rm -f "$out.part"
  fail "could not download $name (tried: $*)"
}

hub_sha256() { # repo file -> the sha256 the hub lists for it
  curl -fsL "https://huggingface.co/api/models/$1/tree/main" | /usr/bin/python3 -c '
import json, sys
name = sys.argv[1]
for e in json.load(sys.stdin):
    if e.get("path") == name and "lfs" in e:
        print(e["lfs"]["oid"]); break
' "$2"
}

fetch stories260K.gguf 270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d \
  https://huggingface.co/ggml-org/models-moved/resolve/main/tinyllamas/stories260K.gguf \
  https://huggingface.co/ggml-org/models/resolve/main/tinyllamas/stories260K.gguf

qsum="$(hub_sha256 Qwen/Qwen3-0.6B-GGUF Qwen3-0.6B-Q8_0.gguf || true)"
[ -n "$qsum" ] || fail "could not read the published checksum of Qwen3-0.6B-Q8_0.gguf from huggingface.co"
fetch Qwen3-0.6B-Q8_0.gguf "$qsum" https://huggingface.co/Qwen/Qwen3-0.6B-GGUF/resolve/main/Qwen3-0.6B-Q8_0.gguf

echo "fetch-model: done. Try: SPLITSCOPE_MODEL=$dir/stories260K.gguf bash install/quickstart.sh"
