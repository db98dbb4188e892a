#!/usr/bin/python3
"""Runs notebooks/bad-cells.ipynb on the installed "splitscope" kernel with nbclient (errors allowed) and checks every
code cell against its metadata.splitscope: a bad cell ("expect": "error") has exactly one error output, whose
traceback is one short paragraph (at most MAX_LINES lines, no Java stack frames) mentioning each word in "mentions";
a good cell ("expect": "ok") has no error and its outputs mention each word.

usage: bad_cells_test.py NOTEBOOK [--dump]   (the kernelspec is found through JUPYTER_PATH; models through
SPLITSCOPE_MODELS). Prints PASS/FAIL per cell; the exit status is the number of failures (capped at 100).
"""
import os
import re
import shutil
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient

MAX_LINES = 6
ANSI = re.compile(r"\x1b\[[0-9;]*m")
FRAME = re.compile(r"^\s*at \S+\(|^\tat |^\s+at [\w.$]+\.[\w$<>]+\(|^Caused by: .*\n\s+at ")


def text_of(output):
    if output["output_type"] == "stream":
        return output["text"]
    if output["output_type"] == "error":
        return "\n".join(ANSI.sub("", line) for line in output["traceback"])
    data = output.get("data", {})
    return data.get("text/plain", "")


def check_bad(cell):
    errors = [o for o in cell.outputs if o["output_type"] == "error"]
    if len(errors) != 1:
        return "expected exactly one error output, got %d" % len(errors)
    tb = [ANSI.sub("", line) for line in errors[0]["traceback"]]
    lines = [l for line in tb for l in line.split("\n")]
    if len(lines) > MAX_LINES:
        return "the error has %d lines (at most %d): %r" % (len(lines), MAX_LINES, lines)
    for l in lines:
        if l.startswith("\tat ") or re.match(r"^\s*at [\w.$/]+\.[\w$<>]+\([\w.]+\.java:\d+\)", l) or "jdk.jshell" in l:
            return "the error shows a Java stack frame: %r" % l
    stderr = "".join(o["text"] for o in cell.outputs if o["output_type"] == "stream" and o["name"] == "stderr")
    if "\tat " in stderr or "Exception in thread" in stderr:
        return "a stack trace was printed on stderr: %r" % stderr
    whole = "\n".join(lines) + "\n" + errors[0].get("evalue", "")
    for word in cell.metadata["splitscope"].get("mentions", []):
        if word.lower() not in whole.lower():
            return "the error does not mention %r: %r" % (word, lines)
    return None


def check_good(cell):
    errors = [o for o in cell.outputs if o["output_type"] == "error"]
    if errors:
        return "failed: %r" % ([ANSI.sub("", l) for l in errors[0]["traceback"]],)
    whole = "".join(text_of(o) for o in cell.outputs)
    for word in cell.metadata["splitscope"].get("mentions", []):
        if word.lower() not in whole.lower():
            return "the output does not mention %r: %r" % (word, whole[:400])
    return None


def main():
    path = sys.argv[1]
    dump = "--dump" in sys.argv
    nb = nbformat.read(path, as_version=4)
    workdir = tempfile.mkdtemp(prefix="splitscope-bad-cells-")
    env = dict(os.environ)
    env["SPLITSCOPE_HISTORY"] = os.path.join(workdir, "history.jsonl")
    client = NotebookClient(nb, kernel_name="splitscope", timeout=120, allow_errors=True,
                            resources={"metadata": {"path": workdir}})
    t0 = time.time()
    try:
        client.execute(env=env)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("executed %d cells in %.1f s" % (len(nb.cells), time.time() - t0), flush=True)
    failures, bad, good = 0, 0, 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("splitscope", {})
        expect = meta.get("expect")
        first = cell.source.splitlines()[0] if cell.source else ""
        if expect == "error":
            bad += 1
            problem = check_bad(cell)
        elif expect == "ok":
            good += 1
            problem = check_good(cell)
        else:
            problem = "no metadata.splitscope.expect"
        if dump:
            for o in cell.outputs:
                print("    | " + text_of(o).replace("\n", "\n    | ")[:2000])
        if problem:
            failures += 1
            print("FAIL cell %d %r: %s" % (i, first, problem), flush=True)
        else:
            print("PASS cell %d %r" % (i, first), flush=True)
    print("%d bad cells, %d good cells checked" % (bad, good))
    if bad < 100:
        print("FAIL: the notebook has only %d bad cells (at least 100 wanted)" % bad)
        failures += 1
    print("%d failure(s)" % failures if failures else "all checks passed", flush=True)
    sys.exit(min(failures, 100))


if __name__ == "__main__":
    main()
