"""Helpers shared by the kernel's Python integration checks: PASS/FAIL bookkeeping and request/reply collection."""
import time
import traceback

TIMEOUT = 60
failures = []


def check(name, trace=True):
    """Decorates a check: prints PASS or FAIL with the reason and records failures; the run goes on either way."""
    def wrap(fn):
        def run(*args):
            try:
                fn(*args)
                print("PASS", name, flush=True)
            except Exception as e:  # noqa: BLE001 - every failure is reported, the run goes on
                failures.append(name)
                print("FAIL", name, "-", repr(e), flush=True)
                if trace:
                    traceback.print_exc()
        return run
    return wrap


def collect(kc, msg_id, timeout=TIMEOUT):
    """The iopub messages of one request up to its idle status, and its execute_reply content."""
    msgs = []
    deadline = time.time() + timeout
    while True:
        m = kc.get_iopub_msg(timeout=max(1, deadline - time.time()))
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append(m)
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply["content"], msgs


def execute(kc, code, timeout=TIMEOUT):
    """Runs code (stored in history) and returns (reply content, list of iopub messages of that request)."""
    return collect(kc, kc.execute(code, store_history=True), timeout)


def of_type(msgs, t):
    return [m["content"] for m in msgs if m["msg_type"] == t]
