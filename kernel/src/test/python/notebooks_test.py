#!/usr/bin/python3
"""Executes the teaching notebooks with nbclient against the installed "splitscope" kernel and checks their outputs.

usage: notebooks_test.py NOTEBOOK_DIR [--only PREFIX ...] [--html-dir DIR]
The kernelspec is found through JUPYTER_PATH. Prints PASS/FAIL per notebook; the exit status is the number of failures.
With --html-dir, each executed notebook is also written there as HTML (nbconvert), for the screenshot test.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import threading
import time
import traceback
from html.parser import HTMLParser

import nbformat
from nbclient import NotebookClient

CELL_TIMEOUT = 240
STUCK_AFTER = 150  # seconds in one cell before the kernel's threads are dumped (jstack), to diagnose a hang


def watch(client, label):
    """Dumps the kernel JVM's threads once if a cell runs longer than STUCK_AFTER; returns the stop event."""
    state = {"cell": None, "since": time.time(), "dumped": False}
    client.on_cell_start = lambda cell, cell_index: state.update(cell=cell_index, since=time.time())
    stop = threading.Event()

    def loop():
        while not stop.wait(5):
            if state["dumped"] or time.time() - state["since"] < STUCK_AFTER:
                continue
            state["dumped"] = True
            try:
                pid = client.km.provisioner.process.pid
                java = client.km.kernel_spec.argv[0]
                dump = subprocess.run([os.path.join(os.path.dirname(java), "jstack"), str(pid)], capture_output=True,
                                      text=True, timeout=60).stdout
                print(f"  {label}: cell {state['cell']} has run {STUCK_AFTER} s; kernel threads:\n{dump}", flush=True)
            except Exception as e:  # noqa: BLE001 - diagnostics only
                print(f"  {label}: cell {state['cell']} is slow; could not dump the kernel's threads: {e!r}", flush=True)

    threading.Thread(target=loop, daemon=True).start()
    return stop


class Tables(HTMLParser):
    """Collects every <table>: its caption, header names and rows of cell text."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row, self._in_caption = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "columns": [], "rows": []})
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._row is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            t = self.tables[-1]
            if not t["columns"]:
                t["columns"] = self._row
            else:
                t["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_caption and self.tables:
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell += data


class Run:
    """One executed notebook: its outputs by kind, for the checks."""

    def __init__(self, nb):
        self.nb, self.errors, self.text, self.tables, self.svgs, self.displays = nb, [], "", [], 0, []
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            for o in cell.outputs:
                if o.output_type == "error":
                    self.errors.append(o.ename + ": " + o.evalue)
                elif o.output_type == "stream":
                    if o.name == "stdout":
                        self.text += o.text
                else:
                    data = o.get("data", {})
                    if "text/plain" in data:
                        self.displays.append(data["text/plain"])
                    if "text/html" in data:
                        p = Tables()
                        p.feed(data["text/html"])
                        self.tables += p.tables
                    if "image/svg+xml" in data or "image/png" in data:
                        self.svgs += 1

    def table(self, caption_start, *columns):
        for t in self.tables:
            if t["caption"].startswith(caption_start):
                missing = [c for c in columns if c not in t["columns"]]
                assert not missing, f"table '{t['caption']}' lacks columns {missing}: {t['columns']}"
                return t
        raise AssertionError(f"no table captioned '{caption_start}...' among {[t['caption'] for t in self.tables]}")

    def number(self, pattern):
        m = re.search(pattern, self.text)
        assert m, f"no match for {pattern!r} in the output:\n{self.text[-3000:]}"
        return m.group(1)

    def says(self, *fragments):
        for f in fragments:
            assert f in self.text, f"'{f}' is not in the output:\n{self.text[-3000:]}"


def column_sum(table, name):
    i = table["columns"].index(name)
    return sum(int(r[i]) for r in table["rows"])


def check_01(r):
    r.table("memory per device", "weights_bytes", "kv_bytes", "compute_bytes", "fits")
    r.table("devices of tiny", "device", "id", "kind", "fraction", "weights_bytes", "kv_bytes")
    placement = r.table("placement (graph split)", "tensor", "layer", "role", "type", "shape", "device", "sharding", "range", "bytes")
    splits = r.table("splits", "split", "group", "device", "nodes", "inputs", "ends_with")
    kv = r.table("kv cache", "layer", "device", "kv_heads", "bytes_per_token")
    assert r.svgs >= 2, "the KV heat map or the memory chart is missing"
    assert {row[placement["columns"].index("device")] for row in placement["rows"]} == {"0", "1"}, "placement is not on 2 devices"
    ends = [row[splits["columns"].index("ends_with")] for row in splits["rows"]]
    assert "reduce" in ends and "concat" in ends, ends
    # The placement table's bytes are what the notebook says was placed: the file's tensors plus the replicas.
    placed = int(r.number(r"bytes placed on devices:\s+(\d+)"))
    assert column_sum(placement, "bytes") == placed, (column_sum(placement, "bytes"), placed)
    file_bytes, replicas = int(r.number(r"tensor bytes in the file: (\d+)")), int(r.number(r"file \+ (\d+) bytes of replicas"))
    assert placed == file_bytes + replicas and replicas > 0, (placed, file_bytes, replicas)
    # KV bytes per token = 2 (K and V) x layers x kv_dim x 4 bytes (the loaded f32 cache), layers as in the kv table.
    layers = len({row[0] for row in kv["rows"]})
    kv_dim = int(r.number(r"kv_dim (\d+) x 4 bytes"))
    assert column_sum(kv, "bytes_per_token") == 2 * layers * kv_dim * 4, (column_sum(kv, "bytes_per_token"), layers, kv_dim)
    prompts = [d for d in r.displays if d.startswith("Once upon a time")]
    assert prompts and len(prompts[-1]) > len("Once upon a time"), f"no generated text: {prompts}"
    assert re.search(r"\d+ prompt tokens, [1-9]\d* new", r.text), "no generation summary"


def check_02(r):
    diffs = [float(x) for x in re.findall(r"max \|y - y_whole\| = ([0-9.Ee-]+)", r.text)]
    assert len(diffs) == 6 and max(diffs) < 1e-5, diffs
    assert diffs[0] == 0.0 and diffs[1] == 0.0, f"column parallel must be exact: {diffs}"
    assert r.text.count("every device holds the same bits either way: true") == 2, "one-shot and two-shot must agree"
    r.says("one-shot [36, 36, 36, 36], two-shot [18, 18, 18, 18]")
    assert float(r.number(r"max \|all-reduced - whole\| = ([0-9.Ee-]+)")) < 1e-4
    r.table("sharding kinds", "sharding", "to finish")
    ffn = r.table("placement (graph split)", "tensor", "sharding", "range")
    shard = {row[0]: row[ffn["columns"].index("sharding")] for row in ffn["rows"]}
    assert shard["blk.0.ffn_up.weight"] == "Shard(1)" and shard["blk.0.ffn_down.weight"] == "Partial(0)", shard


def check_03(r):
    r.says("same text: true", "layer -> device: [")
    splits = [t for t in r.tables if t["caption"].startswith("splits (")]
    assert len(splits) == 2, [t["caption"] for t in r.tables]
    layer, graph = splits
    col = graph["columns"].index("ends_with")
    assert len({row[layer["columns"].index("group")] for row in layer["rows"]}) == len(layer["rows"]), "layer split groups run alone"
    ends = [row[col] for row in graph["rows"]]
    assert ends.count("reduce") > 0 and ends.count("concat") == 2, ends
    assert re.search(r"all-reduces per step = 2 per layer x \d+ layers: true", r.text)
    r.table("timings of the last forward step", "split", "device", "compute_us", "sync_us", "sync_bytes")
    r.table("graph split: time per device")
    r.table("communication per step on pcie", "kind", "payload_bytes", "wire_bytes")
    assert r.svgs >= 4, "the timing charts or the two timelines are missing"


def check_04(r):
    r.says("2 bytes (f16): true", "KV_REPLICATED", "x2.0 because of replicated kv heads")
    kv = r.table("kv cache (F16)", "layer", "device", "kv_heads", "bytes_per_token")
    eight = r.table("heads per device on 8 devices", "device", "query_heads", "kv_heads", "kv_replicated")
    assert len(eight["rows"]) == 8 and all(row[-1] == "true" for row in eight["rows"]), eight["rows"]
    r.table("KV cache (f16) at other context lengths", "ctx")
    assert column_sum(kv, "bytes_per_token") > 0


def check_05(r):
    t = r.table("big models on hypothetical GPUs", "model", "devices", "fits", "errors")
    assert len(t["rows"]) == 20, len(t["rows"])
    fits = [row[t["columns"].index("fits")] for row in t["rows"]]
    assert "true" in fits and "false" in fits, fits
    r.says("DOES_NOT_FIT", "EMPTY_SPLIT", "Q4_K on 2x80GiB: works", "Q4_K on 4x80GiB: refused", "the engine takes two-shot")
    r.table("communication per step", "kind", "payload_bytes", "wire_bytes")


def check_06(r):
    r.says("no expert is duplicated: true", "same routing on 1 device as on 2: true")
    assert re.search(r"picks = \d+ x \d+ tokens in every layer: true", r.text)
    placement = r.table("placement (graph split", "tensor", "sharding")
    shard = {(row[0], row[placement["columns"].index("device")]): row[placement["columns"].index("sharding")] for row in placement["rows"]}
    assert shard[("blk.0.ffn_up_exps.weight", "1")] == "Shard(1)", shard
    assert shard[("blk.0.ffn_gate_inp.weight", "1")] == "Replicate", shard
    routing = r.table("expert picks per layer", "layer", "picks")
    assert sum(int(x) for x in routing["rows"][0][1:-1]) == int(routing["rows"][0][-1]) > 0
    assert r.svgs >= 1, "no routing histogram"


CHECKS = {"01": check_01, "02": check_02, "03": check_03, "04": check_04, "05": check_05, "06": check_06}


def run(path, html_dir):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        assert cell.cell_type != "code" or not cell.outputs, f"{path} is stored with outputs"
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="splitscope", allow_errors=True,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    t0 = time.time()
    stop = watch(client, os.path.basename(path))
    try:
        client.execute()
    finally:
        stop.set()
    print(f"  executed {os.path.basename(path)} in {time.time() - t0:.1f} s", flush=True)
    if html_dir:
        from nbconvert import HTMLExporter
        html, _ = HTMLExporter().from_notebook_node(nb)
        out = os.path.join(html_dir, os.path.basename(path).replace(".ipynb", ".html"))
        with open(out, "w", encoding="utf-8") as f:
            f.write(html)
        # The outputs alone (no code), so that a screenshot of the top of the page shows the tables.
        html, _ = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True).from_notebook_node(nb)
        with open(out.replace(".html", "-outputs.html"), "w", encoding="utf-8") as f:
            f.write(html)
        # The executed notebook itself, for the classic notebook UI check.
        nbformat.write(nb, out.replace(".html", ".ipynb"))
    result = Run(nb)
    assert not result.errors, "error outputs:\n" + "\n".join(result.errors)
    CHECKS[os.path.basename(path)[:2]](result)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook_dir")
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--html-dir")
    a = ap.parse_args()
    paths = sorted(glob.glob(os.path.join(a.notebook_dir, "0*.ipynb")))
    if a.only:
        paths = [p for p in paths if os.path.basename(p)[:2] in a.only]
    assert paths, "no notebooks found in " + a.notebook_dir
    failures = 0
    for p in paths:
        name = os.path.basename(p)
        try:
            run(p, a.html_dir)
            print("PASS", name, flush=True)
        except Exception as e:  # noqa: BLE001 - report every notebook
            failures += 1
            print("FAIL", name, "-", e, flush=True)
            traceback.print_exc()
    print(f"{len(paths) - failures} of {len(paths)} notebooks passed" + (" (all notebooks passed)" if not failures else ""))
    sys.exit(failures)


if __name__ == "__main__":
    main()
