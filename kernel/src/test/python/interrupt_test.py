#!/usr/bin/python3
"""Interrupts in the middle of work on the installed "splitscope" kernel (interrupt_mode "message": the interrupt is
an interrupt_request on the control channel), and checks that each interrupted cell ends promptly with a short
"interrupted" error, not a crash, and that the next cells work.

usage: interrupt_test.py [GGUF_FILE]   (the kernelspec is found through JUPYTER_PATH; without a GGUF file the
generation checks are skipped). Prints PASS/FAIL/SKIP per check; the exit status is the number of failures.
"""
import os
import re
import shutil
import sys
import tempfile
import time

from jupyter_client.manager import KernelManager

from kernel_checks import TIMEOUT, check as checked, collect, execute, failures, of_type

PROMPT_END = 8  # seconds an interrupted cell may take to end
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def check(name):
    return checked(name, trace=False)


def wait_for(kc, msg_id, types, timeout=TIMEOUT):
    """Reads iopub until a message of one of `types` for msg_id arrives; returns the messages read."""
    seen = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = kc.get_iopub_msg(timeout=max(1, deadline - time.time()))
        if m["parent_header"].get("msg_id") == msg_id:
            seen.append(m)
            if m["msg_type"] in types:
                return seen
    raise AssertionError("no %s within %d s" % (types, timeout))


def interrupt(kc):
    """Sends interrupt_request on the control channel (the kernelspec's interrupt_mode is "message")."""
    msg = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(msg)
    reply = kc.get_control_msg(timeout=10)
    while reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
        reply = kc.get_control_msg(timeout=10)
    assert reply["msg_type"] == "interrupt_reply" and reply["content"]["status"] == "ok", reply
    return time.time()


def interrupted_error(reply, msgs, started):
    """Asserts a prompt end with one short "interrupted" error and no Java stack trace; returns its text."""
    took = time.time() - started
    assert took < PROMPT_END, "the cell took %.1f s to end after the interrupt" % took
    assert reply["status"] == "error", reply
    errors = of_type(msgs, "error")
    assert len(errors) == 1, errors
    tb = [ANSI.sub("", l) for l in errors[0]["traceback"]]
    text = "\n".join(tb)
    assert "interrupted" in text.lower(), tb
    assert len(tb) <= 3 and "\tat " not in text and "Exception" not in text, tb
    stderr = "".join(c["text"] for c in of_type(msgs, "stream") if c["name"] == "stderr")
    assert "\tat " not in stderr and "Exception in thread" not in stderr, stderr
    return text


@check("the kernelspec interrupts by message")
def spec_mode(km):
    assert km.kernel_spec.interrupt_mode == "message", km.kernel_spec.interrupt_mode


@check("interrupting a Java busy loop; the next cell works")
def busy_loop(kc):
    msg_id = kc.execute("long spins = 0;\nwhile (true) { if (spins++ == 0) System.out.println(\"looping\"); }\nString after = \"not reached\";")
    wait_for(kc, msg_id, ("stream",))  # the loop is running once "looping" is printed
    time.sleep(0.3)
    t0 = interrupt(kc)
    reply, msgs = collect(kc, msg_id)
    text = interrupted_error(reply, msgs, t0)
    assert "cell line 2" in text, text
    reply, msgs = execute(kc, "spins > 0")
    assert reply["status"] == "ok" and of_type(msgs, "execute_result")[0]["data"]["text/plain"] == "true", msgs
    reply, msgs = execute(kc, "after")
    assert reply["status"] == "error", "the rest of the interrupted cell ran"


@check("interrupting Thread.sleep; the next cell works")
def sleeping(kc):
    msg_id = kc.execute("Thread.sleep(600_000);")
    wait_for(kc, msg_id, ("execute_input",))
    time.sleep(0.5)
    t0 = interrupt(kc)
    reply, msgs = collect(kc, msg_id)
    interrupted_error(reply, msgs, t0)
    reply, msgs = execute(kc, "6 * 7")
    assert reply["status"] == "ok" and of_type(msgs, "execute_result")[0]["data"]["text/plain"] == "42", msgs


@check("interrupting %%prompt after the first streamed tokens; the next %%prompt and Java cell work")
def generation(kc):
    reply, msgs = execute(kc, "%load stories260K --as story --devices cpu:2 --split graph --ctx 2100")
    assert reply["status"] == "ok", reply
    msg_id = kc.execute("%%prompt -n 2000 --temp 0.8 --seed 7\nOnce upon a time")
    seen = wait_for(kc, msg_id, ("update_display_data",))
    t0 = interrupt(kc)
    reply, msgs = collect(kc, msg_id)
    interrupted_error(reply, seen + msgs, t0)
    updates = of_type(seen + msgs, "update_display_data")
    final = updates[-1]["data"]["text/plain"]
    assert final.startswith("Once upon a time") and len(final) > len("Once upon a time"), final
    out = "".join(c["text"] for c in of_type(msgs, "stream") if c["name"] == "stdout")
    m = re.search(r"(\d+) new;.*stopped by cancelled", out)
    assert m and int(m.group(1)) < 2000, out
    reply, msgs = execute(kc, "%%prompt -n 12\nOnce upon a time")
    assert reply["status"] == "ok", reply
    assert "stopped by" in "".join(c["text"] for c in of_type(msgs, "stream") if c["name"] == "stdout"), msgs
    reply, msgs = execute(kc, "generation.generatedIds().length")
    assert reply["status"] == "ok" and of_type(msgs, "execute_result")[0]["data"]["text/plain"] == "12", msgs


@check("an interrupt right as %%prompt starts is not lost")
def early(kc):
    msg_id = kc.execute("%%prompt -n 2000 --temp 0.8\nOnce upon a time")
    wait_for(kc, msg_id, ("execute_input",))
    t0 = interrupt(kc)
    reply, msgs = collect(kc, msg_id)
    interrupted_error(reply, msgs, t0)
    reply, _ = execute(kc, "1 + 1")
    assert reply["status"] == "ok", reply


@check("interrupting a Java cell that runs a generation through the engine API; the model still works")
def engine_call(kc):
    code = ("var streamed = new StringBuilder();\n"
            "story.generate(\"Once upon a time\", new dev.splitscope.engine.runtime.GenerateParams(2000,\n"
            "    dev.splitscope.engine.runtime.SamplerConfig.defaults(3), List.of(), true, false),\n"
            "    (id, piece) -> streamed.append(piece));")
    msg_id = kc.execute(code)
    wait_for(kc, msg_id, ("execute_input",))
    time.sleep(1.0)
    t0 = interrupt(kc)
    reply, msgs = collect(kc, msg_id)
    interrupted_error(reply, msgs, t0)
    reply, msgs = execute(kc, "%%prompt -n 8\nOnce upon a time")
    assert reply["status"] == "ok", reply
    reply, msgs = execute(kc, "%unload story")
    assert reply["status"] == "ok", reply


@check("interrupting %bench between runs; the model still works")
def bench(kc):
    msg_id = kc.execute("%bench -p 64 -n 64 -r 200")
    wait_for(kc, msg_id, ("execute_input",))
    time.sleep(1.5)
    t0 = interrupt(kc)
    reply, msgs = collect(kc, msg_id)
    interrupted_error(reply, msgs, t0)
    reply, msgs = execute(kc, "%%prompt -n 8\nOnce upon a time")
    assert reply["status"] == "ok", reply


@check("interrupts while idle, and twice in a row, do not touch the next cells")
def idle(kc):
    interrupt(kc)
    reply, msgs = execute(kc, "int afterIdle = 5;\nafterIdle * 2")
    assert reply["status"] == "ok" and of_type(msgs, "execute_result")[0]["data"]["text/plain"] == "10", msgs
    msg_id = kc.execute("while (true) { afterIdle++; }")
    wait_for(kc, msg_id, ("execute_input",))
    time.sleep(0.5)
    t0 = interrupt(kc)
    interrupt(kc)
    reply, msgs = collect(kc, msg_id)
    interrupted_error(reply, msgs, t0)
    reply, msgs = execute(kc, "afterIdle > 10")
    assert reply["status"] == "ok" and of_type(msgs, "execute_result")[0]["data"]["text/plain"] == "true", msgs


def main():
    gguf = sys.argv[1] if len(sys.argv) > 1 else None
    env = dict(os.environ)
    history_dir = tempfile.mkdtemp(prefix="splitscope-hist-")
    env["SPLITSCOPE_HISTORY"] = os.path.join(history_dir, "history.jsonl")
    if gguf:
        env["SPLITSCOPE_MODELS"] = os.path.dirname(os.path.abspath(gguf))
    km = KernelManager(kernel_name="splitscope")
    km.start_kernel(env=env)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        spec_mode(km)
        busy_loop(kc)
        sleeping(kc)
        idle(kc)
        if gguf:
            generation(kc)
            early(kc)
            bench(kc)
            engine_call(kc)
        else:
            print("SKIP the generation checks: no GGUF file given", flush=True)
        alive = km.is_alive()
        if not alive:
            failures.append("kernel alive")
            print("FAIL the kernel died", flush=True)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        shutil.rmtree(history_dir, ignore_errors=True)
    print("%d failure(s): %s" % (len(failures), ", ".join(failures)) if failures else "all checks passed", flush=True)
    sys.exit(len(failures))


if __name__ == "__main__":
    main()
