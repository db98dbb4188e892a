#!/usr/bin/python3
"""Drives the installed "splitscope" kernel with Debian's jupyter_client and checks the protocol end to end.

usage: kernel_protocol_test.py [GGUF_FILE]
The kernelspec is found through JUPYTER_PATH. Each check prints PASS/FAIL; the exit status is the number of failures.
"""
import os
import sys
import tempfile
import time
from queue import Empty

from jupyter_client.manager import KernelManager
from jupyter_client.blocking.client import BlockingKernelClient

from kernel_checks import TIMEOUT, check, execute, failures, of_type


def stream_text(msgs, name):
    return "".join(c["text"] for c in of_type(msgs, "stream") if c["name"] == name)


@check("kernel_info")
def kernel_info(kc):
    r = kc.kernel_info(reply=True, timeout=TIMEOUT)["content"]
    assert r["status"] == "ok", r
    li = r["language_info"]
    assert li["name"].lower() == "java", li
    assert li["version"].startswith("25"), li
    assert r["implementation"] == "splitscope", r


@check("execute: streams and execute_result")
def execute_streams(kc):
    reply, msgs = execute(kc, 'System.out.println("hello out");\nSystem.err.println("hello err");\nint answer = 40 + 2;\nanswer')
    assert reply["status"] == "ok", reply
    assert "hello out" in stream_text(msgs, "stdout"), msgs
    assert "hello err" in stream_text(msgs, "stderr"), msgs
    results = of_type(msgs, "execute_result")
    assert results and results[0]["data"]["text/plain"] == "42", results


@check("execute: runtime error with a readable traceback")
def execute_runtime_error(kc):
    reply, msgs = execute(kc, "int zero = 0;\nint boom = 7 / zero;")
    assert reply["status"] == "error", reply
    err = of_type(msgs, "error")[0]
    assert "ArithmeticException" in err["evalue"], err
    tb = "\n".join(err["traceback"])
    assert "cell line 2" in tb and "7 / zero" in tb, tb
    assert "jdk.jshell" not in tb, tb


@check("execute: compile error names the cell line")
def execute_compile_error(kc):
    reply, msgs = execute(kc, 'int fine = 1;\nint bad = "text";')
    assert reply["status"] == "error", reply
    err = of_type(msgs, "error")[0]
    assert err["ename"] == "CompilationError", err
    assert "cell line 2" in err["evalue"], err


@check("complete")
def complete(kc):
    execute(kc, 'String s = "abc";')
    code = 'int unrelated = 1;\ns.toUpp'
    r = kc.complete(code, len(code), reply=True, timeout=TIMEOUT)["content"]
    assert r["status"] == "ok", r
    assert any(m.startswith("toUpperCase") for m in r["matches"]), r
    assert r["cursor_start"] == code.index("toUpp"), r
    assert r["cursor_end"] == len(code), r


@check("inspect")
def inspect(kc):
    code = "Math.max(1, 2)"
    r = kc.inspect(code, 8, reply=True, timeout=TIMEOUT)["content"]
    assert r["status"] == "ok" and r["found"], r
    assert "max(" in r["data"]["text/plain"], r


@check("is_complete: complete / incomplete / invalid")
def is_complete(kc):
    def status(code):
        msg_id = kc.is_complete(code)
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=TIMEOUT)
        return reply["content"]["status"]
    assert status("int a = 1;") == "complete"
    assert status("for (int i = 0; i < 3; i++) {") == "incomplete"
    assert status("int x = ;") == "invalid"


@check("interrupt stops a busy loop")
def interrupt(km, kc):
    msg_id = kc.execute("long spins = 0;\nwhile (true) { spins++; }")
    deadline = time.time() + TIMEOUT
    busy = False
    while not busy and time.time() < deadline:
        m = kc.get_iopub_msg(timeout=TIMEOUT)
        busy = m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input"
    time.sleep(1.0)
    t0 = time.time()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=30)
    assert reply["content"]["status"] == "error", reply["content"]
    assert time.time() - t0 < 15, "interrupt took too long"
    r, _ = execute(kc, "spins > 0")
    assert r["status"] == "ok", r


@check("display_data from a magic table, bound to a variable")
def magic_table(kc):
    reply, msgs = execute(kc, "%devices")
    assert reply["status"] == "ok", reply
    shown = of_type(msgs, "display_data")
    assert shown and "<table" in shown[0]["data"]["text/html"], shown
    assert "cpu" in shown[0]["data"]["text/plain"], shown
    assert "devices" in stream_text(msgs, "stdout"), msgs
    reply, msgs = execute(kc, 'devices.where(devices.stringColumn("kind").isEqualTo("cpu")).rowCount()')
    assert reply["status"] == "ok", reply
    assert of_type(msgs, "execute_result")[0]["data"]["text/plain"] == "1", msgs


@check("display_data and update_display_data from a Java cell")
def display_update(kc):
    reply, msgs = execute(kc, 'String shownId = display("first");\nupdateDisplay(shownId, "second");')
    assert reply["status"] == "ok", reply
    shown = [m["content"] for m in msgs if m["msg_type"] == "display_data"]
    updates = [m["content"] for m in msgs if m["msg_type"] == "update_display_data"]
    assert shown and updates, msgs
    display_id = shown[0]["transient"]["display_id"]
    assert display_id and updates[0]["transient"]["display_id"] == display_id, (shown, updates)
    assert updates[0]["data"]["text/plain"] == "second", updates


@check("%gguf tables from a real GGUF header")
def gguf(kc, path):
    reply, msgs = execute(kc, "%gguf " + path + " --tensors")
    assert reply["status"] == "ok", reply
    html = [c["data"]["text/html"] for c in of_type(msgs, "display_data")]
    assert len(html) == 2 and "blk.0" in html[1], html
    reply, msgs = execute(kc, "gguf_tensors.rowCount() > 0")
    assert of_type(msgs, "execute_result")[0]["data"]["text/plain"] == "true", msgs


@check("%%prompt streams with update_display_data and can be interrupted")
def prompt(km, kc, path):
    reply, msgs = execute(kc, "%load " + path + " --as tiny --devices cpu:2 --split graph --ctx 256")
    assert reply["status"] == "ok", reply
    reply, msgs = execute(kc, "%%prompt -n 24\nOnce upon a time")
    assert reply["status"] == "ok", reply
    shown = of_type(msgs, "display_data")
    updates = of_type(msgs, "update_display_data")
    assert shown and updates, [m["msg_type"] for m in msgs]
    display_id = shown[0]["transient"]["display_id"]
    assert all(u["transient"]["display_id"] == display_id for u in updates), updates
    final = updates[-1]["data"]["text/plain"]
    assert final.startswith("Once upon a time") and len(final) > 30, final
    msg_id = kc.execute("%%prompt -n 200\nOnce upon a time")
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        m = kc.get_iopub_msg(timeout=TIMEOUT)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "display_data":
            break
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=30)
    assert reply["content"]["status"] == "error", reply["content"]
    reply, _ = execute(kc, "%unload tiny")
    assert reply["status"] == "ok", reply


@check("magic errors are one paragraph and the kernel keeps running")
def magic_error(kc):
    reply, msgs = execute(kc, "%gguf /nonexistent/model.gguf")
    assert reply["status"] == "error", reply
    err = of_type(msgs, "error")[0]
    tb = "\n".join(err["traceback"])
    assert "does not exist" in tb and "\tat " not in tb and "    at " not in tb, tb
    reply, msgs = execute(kc, "%nosuchmagic")
    tb = "\n".join(of_type(msgs, "error")[0]["traceback"])
    assert "unknown magic %nosuchmagic" in tb and "%gguf" in tb, tb
    reply, _ = execute(kc, "1")
    assert reply["status"] == "ok"


@check("history: tail and search")
def history(kc):
    execute(kc, 'String marker = "history-marker";')
    r = kc.history(hist_access_type="tail", n=3, output=False, raw=True, reply=True, timeout=TIMEOUT)["content"]
    assert r["status"] == "ok", r
    inputs = [h[2] for h in r["history"]]
    assert any("history-marker" in i for i in inputs), inputs
    r = kc.history(hist_access_type="search", pattern="*history-marker*", n=5, unique=True, raw=True,
                   output=False, reply=True, timeout=TIMEOUT)["content"]
    assert len(r["history"]) == 1, r


@check("a message signed with a wrong key is rejected")
def wrong_key(km, kc):
    info = km.get_connection_info()
    info["key"] = b"definitely-not-the-key"
    bad = BlockingKernelClient()
    bad.load_connection_info(info)
    bad.start_channels()
    try:
        bad.kernel_info()
        try:
            m = bad.get_shell_msg(timeout=4)
            raise AssertionError("the kernel answered a forged message: %r" % (m["msg_type"],))
        except Empty:
            pass
    finally:
        bad.stop_channels()
    r = kc.kernel_info(reply=True, timeout=TIMEOUT)["content"]
    assert r["status"] == "ok", "the kernel stopped answering after a forged message"


@check("sockets bind only to the connection file's IP")
def binds(km):
    pid = km.provisioner.process.pid if getattr(km, "provisioner", None) else km.kernel.pid
    info = km.get_connection_info()
    ports = {info[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")}
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in list(f)[1:]:
                cols = line.split()
                if cols[3] == "0A" and cols[9] in inodes:
                    addr, port = cols[1].split(":")
                    listening.append((addr, int(port, 16)))
    assert {p for _, p in listening} == ports, (listening, ports)
    # 127.0.0.1 as /proc shows it: IPv4 little-endian hex, or the IPv4-mapped IPv6 form on a tcp6 socket
    allowed = {"0100007F", "0000000000000000FFFF00000100007F"}
    assert info["ip"] == "127.0.0.1", info["ip"]
    assert all(a in allowed for a, _ in listening), listening


@check("restart keeps history and clears state; shutdown ends the process")
def restart_and_shutdown(km, kc):
    execute(kc, "int beforeRestart = 1;")
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=TIMEOUT)
    reply, msgs = execute(kc, "beforeRestart")
    assert reply["status"] == "error", "a variable survived the restart"
    r = kc.history(hist_access_type="search", pattern="*beforeRestart = 1*", n=5, raw=True, output=False,
                   reply=True, timeout=TIMEOUT)["content"]
    assert r["history"], "history was not kept across the restart"
    km.shutdown_kernel(now=False)
    assert not km.is_alive(), "the kernel is still alive after shutdown"


def main():
    gguf_path = sys.argv[1] if len(sys.argv) > 1 else None
    env = dict(os.environ)
    env["SPLITSCOPE_HISTORY"] = os.path.join(tempfile.mkdtemp(prefix="splitscope-hist-"), "history.jsonl")
    km = KernelManager(kernel_name="splitscope")
    km.start_kernel(env=env)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        kernel_info(kc)
        binds(km)
        execute_streams(kc)
        execute_runtime_error(kc)
        execute_compile_error(kc)
        complete(kc)
        inspect(kc)
        is_complete(kc)
        interrupt(km, kc)
        magic_table(kc)
        display_update(kc)
        if gguf_path:
            gguf(kc, gguf_path)
            prompt(km, kc, gguf_path)
        else:
            print("SKIP %gguf check: no GGUF file given", flush=True)
        magic_error(kc)
        history(kc)
        wrong_key(km, kc)
        restart_and_shutdown(km, kc)
    finally:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)
    print("%d failure(s): %s" % (len(failures), ", ".join(failures)) if failures else "all checks passed", flush=True)
    sys.exit(len(failures))


if __name__ == "__main__":
    main()
