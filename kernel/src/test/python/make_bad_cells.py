#!/usr/bin/python3
"""Regenerates notebooks/bad-cells.ipynb (stored without outputs): edit the cells here, then run
    /usr/bin/python3 kernel/src/test/python/make_bad_cells.py [OUT.ipynb]
Each code cell carries metadata.splitscope: "expect" (error or ok) and "mentions", the words its output must contain
(case-insensitive); bad_cells_test.py checks them."""
import json
import os
import sys

cells = []

def md(text):
    cells.append({"cell_type": "markdown", "metadata": {}, "source": text})

def bad(src, *says):
    cells.append(("error", src, list(says)))

def good(src, *shows):
    cells.append(("ok", src, list(shows)))

md("# 100 bad cells in a row\n\nEvery code cell below the setup cell is wrong on purpose: a Java exception, a compile error, "
   "an unknown magic, a bad magic argument, a missing or corrupt file, a plan that does not fit, bad sampling values. "
   "Each must fail with one short, readable paragraph that says what went wrong, and none may harm the session: the good "
   "cells at the end load the model and generate. `KernelBadCellsIT` runs this notebook with *Run all, continue on errors* "
   "and checks every cell's output against the `splitscope` metadata of the cell (what the error must mention).\n\n"
   "The setup cell writes a few corrupt GGUF files into `bad-cells.tmp/` (below the kernel's working directory); the last "
   "cell deletes them.")

good('''Path tmp = Files.createDirectories(Path.of("bad-cells.tmp"));
Path real = dev.splitscope.kernel.magics.ModelFiles.resolve("stories260K", Path.of("").toAbsolutePath());
byte[] ok = Files.readAllBytes(real);
// truncated: the header ends in the middle of the metadata
Files.write(tmp.resolve("truncated.gguf"), Arrays.copyOf(ok, 200));
// the weights end early: a valid header, half the tensor data
Files.write(tmp.resolve("short-data.gguf"), Arrays.copyOf(ok, ok.length / 2));
// bad magic
byte[] magic = ok.clone(); magic[3] = 'X';
Files.write(tmp.resolve("bad-magic.gguf"), magic);
// unsupported version
byte[] version = ok.clone(); version[4] = 99;
Files.write(tmp.resolve("bad-version.gguf"), version);
// huge tensor count and huge metadata count (little-endian int64 at 8 and 16)
byte[] tensors = ok.clone(); for (int i = 8; i < 16; i++) tensors[i] = (byte) 0x7f;
Files.write(tmp.resolve("huge-tensor-count.gguf"), tensors);
byte[] kvs = ok.clone(); for (int i = 16; i < 24; i++) kvs[i] = (byte) 0x7f;
Files.write(tmp.resolve("huge-kv-count.gguf"), kvs);
// flipped bytes of the real model: the first key's length, and a stretch in the middle of the header
byte[] keyLen = ok.clone(); for (int i = 24; i < 32; i++) keyLen[i] ^= (byte) 0xff;
Files.write(tmp.resolve("flipped-key-length.gguf"), keyLen);
byte[] flipped = ok.clone(); for (int i = 2000; i < 2600; i++) flipped[i] ^= (byte) 0xa5;
Files.write(tmp.resolve("flipped-header.gguf"), flipped);
Files.write(tmp.resolve("empty.gguf"), new byte[0]);
// a vocabulary-only GGUF: the real header's metadata and no tensors, written with the project's own writer
try (var header = dev.splitscope.engine.gguf.GgufFile.openHeader(real)) {
    new dev.splitscope.engine.gguf.GgufWriter().putAll(header.metadata()).write(tmp.resolve("vocab-only.gguf"));
}
Files.writeString(tmp.resolve("notes.txt"), "not a jar, not a model");
Files.list(tmp).count()''', "11")

md("## Java exceptions")
bad('String nothing = null;\nnothing.length()', "NullPointerException")
bad('int zero = 0;\nint boom = 7 / zero;', "ArithmeticException", "/ by zero")
bad('class BadCellException extends RuntimeException {\n    BadCellException(String m) { super(m); }\n}\nthrow new BadCellException("custom failure 42");',
    "BadCellException: custom failure 42")
bad('int down(int n) { return down(n + 1) + 1; }\ndown(0)', "StackOverflowError")
bad('long[] huge = new long[Integer.MAX_VALUE];', "OutOfMemoryError")
bad('Object text = "text";\nInteger number = (Integer) text;', "ClassCastException")
bad('int[] three = new int[3];\nthree[5] = 1;', "ArrayIndexOutOfBoundsException")
bad('Integer.parseInt("forty-two")', "NumberFormatException", "forty-two")
bad('List.of(1, 2).add(3)', "UnsupportedOperationException")
bad('Files.readString(Path.of("/nonexistent/notes.txt"))', "NoSuchFileException", "/nonexistent/notes.txt")
bad('throw new Exception("a checked exception from a cell");', "Exception", "a checked exception from a cell")
bad('new ArrayList<Integer>().iterator().next()', "NoSuchElementException")
bad('throw new Error("an Error, not an Exception");', "java.lang.Error", "an Error, not an Exception")
bad('Objects.requireNonNull(null, "model must not be null");', "NullPointerException", "model must not be null")
bad('Map<String, Integer> counts = new HashMap<>();\nint missing = counts.get("missing");', "NullPointerException")
bad('"abc".substring(5)', "StringIndexOutOfBoundsException")
bad('throw new RuntimeException("outer", new IOException("inner cause"));', "RuntimeException", "outer", "inner cause")
bad('List<Integer> backing = new ArrayList<>(List.of(1, 2, 3));\nfor (Integer i : backing) backing.remove(i);',
    "ConcurrentModificationException")
bad('Object[] strings = new String[1];\nstrings[0] = 1;', "ArrayStoreException")
bad('int[] negative = new int[-1];', "NegativeArraySizeException")
bad('throw new RuntimeException() {\n    public String getMessage() { throw new IllegalStateException("no message either"); }\n};',
    "IllegalStateException: no message either", "getMessage()")

md("## Compile errors")
bad('int x = "text";', "incompatible types")
bad('undefinedVariable + 1', "undefinedVariable")
bad('int y = ;', "illegal start of expression")
bad('for (int i = 0; i < 3; i++) {', "Incomplete")
bad('String s = "unterminated;', "unclosed string literal")
bad('Math.max(1)', "max")
bad('void f() { return 1; }', "unexpected return value")
bad('List<int> xs = null;', "unexpected type")
bad('new NoSuchClass()', "NoSuchClass")
bad('int z = 1 +* 2;', "illegal start of expression")
bad('import does.not.exist.*;', "does.not.exist")
bad('"abc".noSuchMethod()', "noSuchMethod")
bad('int fine = 1;\nint alsoFine = 2;\nString broken = fine;', "cell line 3", "incompatible types")

md("## Unknown magics and magics used the wrong way")
bad('%nosuchmagic', "unknown magic %nosuchmagic")
bad('%lod stories260K', "unknown magic %lod", "%load")
bad('%%nosuchcell\nsome body', "nosuchcell")
bad('%%load stories260K\nsome body', "line magic")
bad('%prompt Once upon a time', "cell magic")
bad('%chat Hello', "Hello")
bad('%%devices\nbody', "line magic")

md("## Bad magic arguments")
bad('%load', "Missing required parameter")
bad('%load stories260K --ctx many', "--ctx", "many")
bad('%load stories260K --ctx -5', "context length", "-5")
bad('%load stories260K --ctx 0', "context length")
bad('%load stories260K --split diagonal', "diagonal")
bad('%load stories260K --devices gpu:9', "gpu:9")
bad('%load stories260K --devices cpu:0', "cpu:0")
bad('%load stories260K --devices cpu:-1', "cpu:-1")
bad('%load stories260K --devices cuda:99', "cuda")
bad('%load stories260K --reduce f8', "f8")
bad('%load stories260K --devices cpu:2 --reduce-path ring', "ring", "auto, host, peer or nccl")
bad('%load stories260K --devices cpu:2 --split graph --reduce-path nccl', "nccl reduce path")
bad('%load stories260K --kv-type q2_k', "q2_k")
bad('%load stories260K --devices cpu:2 --tensor-split 0.5,abc', "abc")
bad('%load stories260K --devices cpu:2 --tensor-split 1,1,1', "3 fractions for 2 devices")
bad('%load stories260K --devices cpu:2 --tensor-split -1,2', "tensor-split")
bad('%load stories260K --threads -3', "threads")
bad('%load stories260K --frobnicate', "--frobnicate")
bad('%plan', "either a model")
bad('%plan stories260K --preset llama3-8b', "not both")
bad('%plan --preset llama9-1t', "unknown preset", "llama9-1t")
bad('%plan --preset llama3-8b --type Q9_9', "Q9_9")
bad('%plan --preset llama3-8b --devices 4xBANANA', "BANANA")
bad('%plan --preset llama3-8b --devices 0x80GiB', "repeat count")
bad('%plan --preset llama3-8b --link carrier-pigeon', "carrier-pigeon")
bad('%plan --preset llama3-8b --ctx -1', "context length")
bad('%plan --preset llama3-8b --what-if-ctx abc', "--what-if-ctx", "abc")
bad('%plan --preset llama3-8b --kv-type q3', "q3")
bad('%plan --preset llama3-8b --split sideways', "sideways")
bad('%gguf', "Missing required parameter")
bad('%gguf stories260K --nope', "--nope")
bad('%devices extra-argument', "extra-argument")
bad('%debug maybe', "maybe")
bad('%help nosuchmagic', "nosuchmagic")
bad('%unload', "no model is loaded")
bad('%unload nosuchmodel', "no model")
bad('%models --bogus', "--bogus")
bad('%load "stories260K', "quote", "not closed")
bad('%load $SPLITSCOPE_NO_SUCH_VARIABLE', "SPLITSCOPE_NO_SUCH_VARIABLE")
bad('%kv --ctx -4', "no model")

md("## Model magics before any model is loaded")
bad('%placement', "no model is loaded")
bad('%splits', "no model is loaded")
bad('%comm', "no model is loaded")
bad('%timings', "no model is loaded")
bad('%bench', "no model is loaded")
bad('%%prompt\nOnce upon a time', "no model is loaded")
bad('%%chat\nHello', "no model is loaded")
bad('%%prompt\n', "empty")

md("## Missing files")
bad('%load /nonexistent/model.gguf', "does not exist")
bad('%load no-such-model', "no-such-model")
bad('%gguf /nonexistent/model.gguf', "does not exist")
bad('%plan missing-model.gguf', "does not exist")
bad('%load bad-cells.tmp/', "is a folder")
bad('%plugin /nonexistent/plugin.jar', "plugin.jar")
bad('%plugin bad-cells.tmp/notes.txt', "notes.txt")

md("## Corrupt GGUF files")
bad('%gguf bad-cells.tmp/empty.gguf', "GGUF")
bad('%load bad-cells.tmp/empty.gguf', "GGUF")
bad('%gguf bad-cells.tmp/truncated.gguf', "GGUF")
bad('%load bad-cells.tmp/truncated.gguf', "GGUF")
bad('%plan bad-cells.tmp/truncated.gguf', "GGUF")
bad('%load bad-cells.tmp/short-data.gguf', "short-data.gguf")
bad('%gguf bad-cells.tmp/bad-magic.gguf', "magic")
bad('%load bad-cells.tmp/bad-magic.gguf', "magic")
bad('%gguf bad-cells.tmp/bad-version.gguf', "version")
bad('%gguf bad-cells.tmp/huge-tensor-count.gguf', "tensor")
bad('%load bad-cells.tmp/huge-tensor-count.gguf', "tensor")
bad('%gguf bad-cells.tmp/huge-kv-count.gguf', "GGUF")
bad('%plan bad-cells.tmp/huge-kv-count.gguf', "GGUF")
bad('%gguf bad-cells.tmp/flipped-key-length.gguf', "GGUF")
bad('%load bad-cells.tmp/flipped-header.gguf', "GGUF")
bad('%load /dev/null', "not a regular file")
bad('%load bad-cells.tmp/vocab-only.gguf', "vocabulary-only", "nothing was allocated", "not a complete model")
bad('%plan bad-cells.tmp/vocab-only.gguf', "cannot run", "vocabulary-only")

md("## Plans that do not fit")
bad('%load stories260K --devices cpu:2@64KiB --split graph', "nothing was allocated")
bad('%load stories260K --devices cpu:1@1KiB', "nothing was allocated")
bad('%plan --preset llama3-70b --devices 1x24GiB', "cannot run")
bad('%plan --preset llama3-70b --devices 2x16GiB --split layer --ctx 8192', "cannot run")
bad('%plan stories260K --devices 8x1KiB', "cannot run")
bad('%plan --preset llama3-8b --devices 2xRTX9999', "RTX9999")

md("# Good cells: the session still works")
good('6 * 7', "42")
good('%load stories260K --as tiny --devices cpu:2 --split graph --ctx 128', "loaded tiny")
good('%%prompt -n 16\nOnce upon a time', "Once upon a time")
good('%placement', "token_embd")

md("## Bad cells with a model loaded")
bad('%%prompt -n -5\nOnce upon a time', "-n must be >= 0")
bad('%%prompt --temp -1\nOnce upon a time', "temperature")
bad('%%prompt --temp 0.8 --top-p 1.5\nOnce upon a time', "top-p", "1.5")
bad('%%prompt --top-p 9\nOnce upon a time', "top-p", "9")
bad('%%chat --temp -2\nHello', "temperature")
bad('%%prompt --temp 0.8 --min-p 2\nOnce upon a time', "min-p")
bad('%%prompt --temp 0.8 --repeat-penalty 0\nOnce upon a time', "repeat penalty")
bad('%%prompt --temp NaN\nOnce upon a time', "temperature")
bad('%%prompt -n lots\nOnce upon a time', "lots")
bad('%%prompt --model ghost\nOnce upon a time', "ghost")
bad('%%prompt -n 500\nOnce upon a time', "context")
bad('%placement --layer 99', "99")
bad('%placement --device cpu:7', "cpu:7")
bad('%placement --device 7', "no device 7")
bad('%kv --ctx -4', "ctx")
bad('%comm --link nowhere', "nowhere")
bad('%bench -r 0', "-r at least 1")
bad('%bench -p 100000', "context")
bad('%bench -p 0 -n 0', "nothing to measure")
bad('%%chat\nHello', "no chat template")
bad('%unload ghost', "ghost", "tiny")
bad('%load stories260K --as tiny --devices cpu:2@64KiB', "nothing was allocated")

md("## The model survived all of that")
good('%%prompt -n 16\nOnce upon a time', "Once upon a time")
good('%models', "tiny")
good('tiny.spec().nLayer()', "5")
good('new Object() { public String toString() { throw new RuntimeException("bad toString"); } }', "toString() threw RuntimeException: bad toString")
good('%unload tiny', "tiny")
bad('tiny.generate("Once upon a time", dev.splitscope.engine.runtime.GenerateParams.greedy(4), (id, piece) -> {})',
    "IllegalStateException", "was unloaded")
bad('%unload --all tiny', "not both")
good('''try (var paths = Files.walk(Path.of("bad-cells.tmp"))) {
    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
}
Files.exists(Path.of("bad-cells.tmp"))''', "false")

nb_cells = []
for c in cells:
    if isinstance(c, dict):
        src = c["source"]
        c["source"] = src.splitlines(keepends=True)
        nb_cells.append(c)
        continue
    expect, src, words = c
    nb_cells.append({"cell_type": "code", "execution_count": None, "outputs": [],
                     "metadata": {"splitscope": {"expect": expect, "mentions": words}},
                     "source": src.splitlines(keepends=True)})
nb = {"cells": nb_cells, "metadata": {
    "kernelspec": {"display_name": "Java (Splitscope)", "language": "java", "name": "splitscope"},
    "language_info": {"name": "java"}}, "nbformat": 4, "nbformat_minor": 5}
for i, c in enumerate(nb_cells):
    c["id"] = "cell-%03d" % i
n_bad = sum(1 for c in cells if isinstance(c, tuple) and c[0] == "error")
print("bad cells:", n_bad, file=sys.stderr)
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../notebooks/bad-cells.ipynb")
with open(out, "w") as f:
    json.dump(nb, f, indent=1, ensure_ascii=False)
    f.write("\n")
