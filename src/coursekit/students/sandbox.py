"""Run a student's function where it can neither see the reference nor harm anything, and bounded in every way.

Each call starts a fresh interpreter (``python -I``) on :mod:`runner`, never a
fork of the checker: nothing of the checker (expected values, reference
modules, its objects) is in its memory. On Linux with bubblewrap (Debian's
package ``bubblewrap``), it runs in a sandbox:

- a file system of its own, read-only, holding only the system's libraries,
  the Python installation and the virtual environment (the checkout, the
  results, the references and the other students' folders are not there at
  all), the student's files (read-only), and an empty private working folder
  (a tmpfs of ``file_mb``): nothing it writes outlives it;
- no network, its own process tree (``--unshare-all``, ``--die-with-parent``):
  a daemon it forks dies with it, and it cannot signal the checker;
- with cgroups (Linux's, as root here), a memory cap and a process cap on the
  whole tree (``memory_mb``, ``processes``); without them, a memory cap per
  process (``RLIMIT_AS``), said once;
- a file-size limit, a CPU-time limit, and the wall-clock ``timeout`` after
  which the whole tree is killed.

Without bubblewrap, the same runner runs as a plain process with the limits
that can be set (:data:`MISSING`): enough for a student checking their own code,
not for grading others' (``grade`` refuses it unless config says otherwise).
Everything comes back through one pipe, read with a size cap and a deadline,
and decoded as data (:func:`coursekit.students.runner.load`).
"""

import contextlib
import json
import os
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from coursekit.students import runner

__all__ = ["Limits", "Outcome", "available", "MISSING", "run"]

MISSING = ("bubblewrap (bwrap) is not installed: student code runs unsandboxed, with per-process limits only "
           "(apt-get install bubblewrap)")
OUTPUT_BYTES = 16 << 10  # what a student's prints may show: the first 16 KiB
NAME = r"[A-Za-z_][A-Za-z0-9_]*\.py"


@dataclass
class Limits:
    """The bounds of one call: seconds of wall-clock time, MB of memory, processes, MB per file, result bytes."""

    timeout: float = 5.0
    memory_mb: int = 2048
    processes: int = 64
    file_mb: int = 64
    result_bytes: int = 256 << 20


@dataclass
class Outcome:
    """What came back: each case's result (by index), the runner's last word, the prints, and how it ended."""

    results: dict
    facts: dict  # case index: the result's relations to the arguments (runner.relations)
    end: dict
    output: str
    ended: str  # "done", "timeout", "memory", "killed", "too-much"
    seconds: float
    sandboxed: bool


def available():
    """True if bubblewrap runs here (it needs user namespaces)."""
    return _works()


def _works(cache={}):  # noqa: B006 (the cache is the point)
    if "ok" not in cache:
        path = shutil.which("bwrap")
        cache["ok"] = bool(path) and subprocess.run(
            [path, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"],
            capture_output=True, timeout=30).returncode == 0
    return cache["ok"]


def readable_roots():
    """The folders the sandboxed interpreter needs, read-only: the system's libraries, Python, the environment."""
    roots = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/ld.so.cache", "/etc/alternatives",
             sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable))]
    return [r for r in dict.fromkeys(roots) if os.path.exists(r)]


def bwrap_command(folder, work_mb, python_args):
    """The bubblewrap command that runs ``python_args`` with ``folder`` read-only at /sandbox/in."""
    command = [shutil.which("bwrap") or "bwrap", "--unshare-all", "--die-with-parent", "--new-session",
               "--cap-drop", "ALL",
               "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for root in readable_roots():
        command += ["--ro-bind", root, root]
    command += ["--size", str(work_mb << 20), "--perms", "0700", "--tmpfs", "/sandbox/work",
                "--ro-bind", str(folder), "/sandbox/in", "--chdir", "/sandbox/work",
                "--setenv", "HOME", "/sandbox/work", "--setenv", "MPLCONFIGDIR", "/sandbox/work",
                "--setenv", "OPENBLAS_NUM_THREADS", "1", "--unsetenv", "PYTHONPATH"]
    return command + [sys.executable, *python_args]


class Cgroup:
    """A memory and a process cap on a whole process tree, with cgroups v1 (memory, pids) or v2, where writable."""

    def __init__(self, memory_mb, processes):
        self.folders, self.v2 = [], False
        tag = f"coursekit-{os.getpid()}-{time.monotonic_ns()}"
        try:
            lines = Path("/proc/self/cgroup").read_text().splitlines()
            paths = {parts[1]: parts[2] for parts in (line.split(":", 2) for line in lines)}
            v1 = {c: Path(f"/sys/fs/cgroup/{c}{paths.get(c, '/')}".rstrip("/")) for c in ("memory", "pids")}
            if all(p.is_dir() and os.access(p, os.W_OK) for p in v1.values()):
                for controller, parent in v1.items():
                    (parent / tag).mkdir()
                    self.folders.append(parent / tag)
                self._write("memory", "memory.limit_in_bytes", memory_mb << 20)
                self._write("pids", "pids.max", processes)
            else:
                base = Path("/sys/fs/cgroup") / paths.get("", "/").lstrip("/")
                controllers = (base / "cgroup.subtree_control").read_text().split()
                if not {"memory", "pids"} <= set(controllers):
                    raise OSError("no memory and pids controllers here")
                (base / tag).mkdir()
                self.folders, self.v2 = [base / tag], True
                (base / tag / "memory.max").write_text(str(memory_mb << 20))
                (base / tag / "memory.swap.max").write_text("0")
                (base / tag / "pids.max").write_text(str(processes))
        except (OSError, ValueError, KeyError, IndexError):
            self.close()
            self.folders = []

    def _write(self, controller, name, value):
        folder = next(f for f in self.folders if f"/{controller}" in str(f))
        (folder / name).write_text(str(value))

    @property
    def active(self):
        return bool(self.folders)

    def join(self):
        """In the child, before exec: move this process into the cgroups."""
        for folder in self.folders:
            (folder / "cgroup.procs").write_text("0")

    def out_of_memory(self):
        """True if the kernel killed a process of the tree for passing the memory cap."""
        for folder in self.folders:
            for name in ("memory.oom_control", "memory.events"):
                with contextlib.suppress(OSError):
                    for line in (folder / name).read_text().splitlines():
                        key, _, value = line.partition(" ")
                        if key == "oom_kill" and int(value) > 0:
                            return True
        return False

    def kill_all(self):
        for folder in self.folders:
            with contextlib.suppress(OSError, ValueError):
                for pid in (folder / "cgroup.procs").read_text().split():
                    with contextlib.suppress(OSError):
                        os.kill(int(pid), signal.SIGKILL)

    def close(self):
        """Kill whatever is left in the tree, and remove the cgroups (they were made here)."""
        for _ in range(50):
            self.kill_all()
            try:
                for folder in self.folders:
                    if folder.exists():
                        folder.rmdir()
                break
            except OSError:
                time.sleep(0.01)
        self.folders = []


def copy_solutions(source, target):
    """Copy the student's modules (regular files named like modules, at most 1 MiB each) into ``target``."""
    import re

    target.mkdir(parents=True)
    for path in sorted(Path(source).iterdir()) if Path(source).is_dir() else []:
        if re.fullmatch(NAME, path.name) and path.is_file() and not path.is_symlink() \
                and path.stat().st_size <= 1 << 20:
            shutil.copyfile(path, target / path.name)


def run(solutions, module, name, cases, limits, sandbox=None, timing=0.0):
    """Run the student's ``module.name`` (from the folder ``solutions``) on ``cases``; return an :class:`Outcome`.

    ``timing``: the seconds to spend timing it on the first case once its cases ran (``Outcome.end["seconds"]``,
    the fastest call): 0 times one call; a speed verdict wants more.

    ``sandbox``: True to require bubblewrap, False to run without it, None to use it where it is available.
    """
    use_bwrap = available() if sandbox is None else sandbox
    if use_bwrap and not available():
        raise RuntimeError(MISSING)
    with tempfile.TemporaryDirectory(prefix="coursekit-check-") as tmp:
        folder = Path(tmp) / "in"
        copy_solutions(solutions, folder / "solutions")
        (folder / "call.npz").write_bytes(runner.dump((module, list(cases), float(timing))))
        shutil.copyfile(runner.__file__, folder / "runner.py")
        read_end, write_end = os.pipe()
        if use_bwrap:
            command = bwrap_command(folder, limits.file_mb, ["-I", "/sandbox/in/runner.py", "/sandbox/in", name,
                                                            str(write_end)])
            cwd = None
        else:
            (Path(tmp) / "work").mkdir()
            command = [sys.executable, "-I", str(folder / "runner.py"), str(folder), name, str(write_end)]
            cwd = Path(tmp) / "work"
        group = Cgroup(limits.memory_mb, limits.processes)

        def confine():
            os.setsid()
            if group.active:
                group.join()
            else:  # per process only: each fork gets the same cap
                memory = (limits.memory_mb + 512) << 20
                resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            cpu = int(limits.timeout) + 2
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
            resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb << 20, limits.file_mb << 20))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
        started = time.monotonic()
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, pass_fds=(write_end,), preexec_fn=confine,
                                       cwd=cwd, env=env)
        except BaseException:
            os.close(read_end)
            group.close()  # the cgroups were made here: never left behind
            raise
        finally:
            os.close(write_end)
        try:
            data, output, ended = collect(process, read_end, limits)
        finally:
            os.close(read_end)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.kill()
            process.wait()
            if group.active and group.out_of_memory():  # a process of the tree passed the cap (even if it waited)
                ended = "memory"
            group.close()
        seconds = time.monotonic() - started
    results, facts, end = {}, {}, {}
    pending = None
    for frame in runner.frames(data):
        if pending is not None:
            results[pending] = frame
            pending = None
            continue
        try:
            message = json.loads(frame)
        except ValueError:
            break
        if not isinstance(message, dict):
            break
        if message.get("event") == "result" and isinstance(message.get("case"), int):
            pending = message["case"]
        elif message.get("event") == "facts" and isinstance(message.get("case"), int):
            facts[message["case"]] = {key: [i for i in message.get(key, []) if isinstance(i, int)]
                                      for key in ("views", "same", "changed") if isinstance(message.get(key), list)}
        elif message.get("event") == "end":
            end = message
    return Outcome(results, facts, end, output.decode("utf-8", "replace"), ended, seconds, use_bwrap)


def collect(process, channel, limits):
    """Read the result pipe and the prints until both close or the deadline passes; stop at the caps."""
    selector = selectors.DefaultSelector()
    selector.register(channel, selectors.EVENT_READ, "data")
    selector.register(process.stdout, selectors.EVENT_READ, "output")
    data, output = bytearray(), bytearray()
    deadline = time.monotonic() + limits.timeout
    ended = "done"
    open_streams = 2
    while open_streams:
        left = deadline - time.monotonic()
        if left <= 0:
            ended = "timeout"
            break
        for key, _ in selector.select(timeout=left):
            chunk = os.read(key.fd, 1 << 16)
            if not chunk:
                selector.unregister(key.fileobj)
                open_streams -= 1
                continue
            if key.data == "data":
                data += chunk
                if len(data) > limits.result_bytes:
                    return bytes(data), bytes(output), "too-much"
            elif len(output) < OUTPUT_BYTES:
                output += chunk[:OUTPUT_BYTES - len(output)]
    selector.close()
    if ended == "done":
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(max(0.0, deadline - time.monotonic()))
        if process.poll() is None:
            ended = "timeout"
    return bytes(data), bytes(output), ended
