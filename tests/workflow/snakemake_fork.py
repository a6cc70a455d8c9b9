"""Run Snakemake's command line in a fresh process that does not pay Snakemake's import time.

``python -m snakemake`` spends 0.6 to 0.8 s of every start importing Snakemake
(its command line, its report plugin, smart_open) before it reads a Snakefile:
more than a dry run of this workflow then takes. The workflow tests run
Snakemake 21 times, so each pytest
worker keeps one server process that has imported Snakemake once, and forks
it for every run. Each run is still a new process, with its own environment,
working directory and standard streams, calling the entry point that
``python -m snakemake`` calls; only the imports are shared. Runs that a test
must kill from outside are started as plain subprocesses instead (see
test_robustness.py).

The server reads one JSON request per line on its standard input and answers
with the run's exit code on its standard output.
"""

import atexit
import json
import os
import subprocess
import sys
import tempfile

_server = None


def _child(request):
    """In the forked process: take the request's environment, folder and streams; run; exit with the code."""
    import snakemake.cli

    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    for fd, path in ((0, os.devnull), (1, request["out"]), (2, request["err"])):
        target = os.open(path, os.O_RDONLY if fd == 0 else os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(target, fd)
        os.close(target)
    sys.stdin = open(0, closefd=False)
    sys.stdout = open(1, "w", closefd=False, buffering=1)
    sys.stderr = open(2, "w", closefd=False, buffering=1)
    code = 1
    try:
        snakemake.cli.main(request["argv"])
        code = 0
    except SystemExit as done:  # how the command line ends, as the interpreter would report it
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:  # what a normal exit does, and no more (the server's own exit handlers are not ours to run)
        import logging

        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve():
    """The server: import Snakemake once, then fork one child per request, in order."""
    import jsonschema  # noqa: F401  (imported by the Snakefile's config check)
    import smart_open  # noqa: F401  (imported when Snakemake opens a Snakefile)
    import snakemake.cli  # noqa: F401  (the import every run would otherwise pay)
    import snakemake.report  # noqa: F401  (imported by the command line's argument parser)

    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            _child(json.loads(line))
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status), flush=True)


def _stop():
    if _server is not None and _server.poll() is None:
        _server.stdin.close()
        _server.wait(timeout=30)


def run(argv, env=None, cwd=None):
    """Run ``snakemake *argv`` in a forked process; return a subprocess.CompletedProcess with its text output."""
    global _server
    if _server is None or _server.poll() is not None:
        _server = subprocess.Popen([sys.executable, os.path.abspath(__file__)], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        atexit.register(_stop)
    argv = [str(a) for a in argv]
    with tempfile.TemporaryDirectory() as folder:
        out, err = os.path.join(folder, "stdout"), os.path.join(folder, "stderr")
        request = {"argv": argv, "env": dict(os.environ if env is None else env), "cwd": str(cwd or os.getcwd()),
                   "out": out, "err": err}
        _server.stdin.write(json.dumps(request) + "\n")
        _server.stdin.flush()
        answer = _server.stdout.readline()
        if not answer:
            raise RuntimeError("the Snakemake fork server stopped")
        with open(out, encoding="utf-8", errors="replace") as f_out, open(err, encoding="utf-8", errors="replace") as f_err:
            return subprocess.CompletedProcess(["snakemake", *argv], int(answer), f_out.read(), f_err.read())


if __name__ == "__main__":
    serve()
