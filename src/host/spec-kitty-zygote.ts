/**
 * The spec-kitty helper (a "zygote"), run as `python -c ZYGOTE_SOURCE <spec-kitty console script>` with the
 * interpreter the script's shebang names. Kept in a string, like the supervisor's source, so no Python file has
 * to be shipped beside build/ and the action's bundle. See spec-kitty-helper.ts for the Node side.
 */
export const ZYGOTE_SOURCE = String.raw`
"""kitty-orchestrator's spec-kitty helper: pays spec-kitty's start-up once, then forks one child per call.

Run as '<the venv's python> -c <this source> <the spec-kitty console script>', in the project's directory
and with the environment every call gets. A 'spec-kitty' call costs ~1.4 s of Python start-up (building its
typer app imports every command module); a forked child of a warm interpreter starts in milliseconds. Each child
runs the console script itself ('runpy'), so a call keeps a fresh process's semantics: its own argv, cwd,
captured stdout/stderr, atexit handlers and exit code.

Protocol: JSON lines. Request on stdin '{"id": 1, "argv": [...], "cwd": "..."}'; answer on stdout
'{"id": 1, "exit": 0, "signal": null, "stdout": "...", "stderr": "...", "cpu_ms": 310}' (the call's CPU time,
for the bench). The first line out is
'{"ready": true, "warm": bool}'. Calls may overlap. When stdin closes (our orchestrator is gone, even by
SIGKILL), the calls under way are stopped and the helper exits; a child whose helper dies is killed by the
kernel (PR_SET_PDEATHSIG), so nothing outlives us.
"""

import gc
import importlib
import json
import os
import select
import signal
import sys
import tempfile
import threading

PR_SET_PDEATHSIG = 1
# What spec-kitty 3.2.7 imports inside its commands (measured), so that no child has to.
LAZY_MODULES = (
    "rich.logging",
    "ruamel.yaml.mergevalue",
    "specify_cli.bytecode_heal",
    "specify_cli.cli.logging_bootstrap",
    "specify_cli.compat._adapters.uv_receipt",
    "specify_cli.compat.messages",
    "specify_cli.completion",
    "specify_cli.migration.backfill_topology",
    "specify_cli.readiness.coordinator",
    "specify_cli.runtime.agent_skills",
)
STOP_GRACE_S = 2.0


def warm():
    """Import spec-kitty's CLI and build its app once; a failure only costs speed (children import it).

    Typer turns the app into a click command on every call (~0.5 s of signature inspection for its ~250
    commands); that command is built here once too. Each child runs one invocation on its own copy of it.
    """
    try:
        import specify_cli
        import typer.main

        app = specify_cli._get_app()
        built = typer.main.get_command(app)
        build = typer.main.get_command
        typer.main.get_command = lambda instance: built if instance is app else build(instance)
    except Exception:  # noqa: BLE001 - any other spec-kitty still runs, just cold
        return False
    for name in LAZY_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module another version lacks
            pass
    # Children only read these objects: keep the collector from touching (and so copying) their pages.
    gc.freeze()
    return True


def die_with_parent(parent):
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except Exception:  # noqa: BLE001 - not Linux: the stdin-close path still stops us
        pass
    if os.getppid() != parent:
        os._exit(137)


def send(message):
    try:
        os.write(1, (json.dumps(message) + "\n").encode())
    except OSError:
        pass


def collect(job):
    """What the call wrote; its capture files are anonymous (unlinked), so nothing is left even if we are killed."""
    out = []
    for handle in (job["out"], job["err"]):
        handle.seek(0)
        out.append(handle.read().decode("utf-8", "replace"))
        handle.close()
    return out


def reap(jobs, block=False):
    while jobs:
        try:
            pid, status, usage = os.wait4(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        job = jobs.pop(pid, None)
        if job is None:
            continue
        stdout, stderr = collect(job)
        code = os.waitstatus_to_exitcode(status)
        send({
            "id": job["id"],
            "exit": code if code >= 0 else None,
            "signal": -code if code < 0 else None,
            "stdout": stdout,
            "stderr": stderr,
            "cpu_ms": round((usage.ru_utime + usage.ru_stime) * 1000),
        })


def signal_all(pids, sig):
    for pid in list(pids):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def stop(jobs):
    """Stdin closed: the calls under way get SIGTERM, then SIGKILL after a grace, and are reaped."""
    signal_all(jobs, signal.SIGTERM)
    signal.signal(signal.SIGALRM, lambda *_: signal_all(jobs, signal.SIGKILL))
    signal.setitimer(signal.ITIMER_REAL, STOP_GRACE_S)
    reap(jobs, block=True)


def serve(warm_ok):
    """The request loop. Returns a request in a forked child (which then runs it); never returns in the helper."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    me = os.getpid()
    jobs = {}
    buffer = b""
    send({"ready": True, "warm": warm_ok})
    while True:
        readable, _, _ = select.select([0, wake_r], [], [])
        if wake_r in readable:
            os.read(wake_r, 512)
            reap(jobs)
        if 0 not in readable:
            continue
        chunk = os.read(0, 65536)
        if not chunk:
            stop(jobs)
            sys.exit(0)
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            if not line.strip():
                continue
            request = json.loads(line)
            out = tempfile.TemporaryFile()
            err = tempfile.TemporaryFile()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.close(wake_r)
                os.close(wake_w)
                die_with_parent(me)
                return request, out, err
            jobs[pid] = {"id": request["id"], "out": out, "err": err}


def run_call(script, request, out, err):
    """In the child: stdio onto the capture files, then exactly what 'spec-kitty <argv>' runs."""
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for handle, fd in ((out, 1), (err, 2)):
        os.dup2(handle.fileno(), fd)
        handle.close()
    os.chdir(request.get("cwd") or os.getcwd())
    sys.argv = [script, *request["argv"]]
    import runpy

    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    console_script = sys.argv[1]
    warmed = warm()
    if threading.active_count() > 1:
        # Forking a process with other threads can deadlock its children: exit unready, and every call is
        # spawned as its own process instead.
        sys.exit("kitty-orchestrator: spec-kitty started a thread on import; no helper")
    call = serve(warmed)
    run_call(console_script, *call)
`;
