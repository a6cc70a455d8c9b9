"""Student code is untrusted: every way it tried to fake a result or harm anything ends wrong or error, bounded.

Each test writes a hostile solution into a temporary folder and checks one exercise with it, in the sandbox
(bubblewrap; CI installs it). Files a solution must not touch are decoys in another temporary folder: if the
sandbox ever failed, only they would be at stake, never the checkout.
"""

import hashlib
import os
import re
import signal
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from coursekit.students import check, runner, sandbox

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())

if not sandbox.available():
    assert not os.environ.get("CI"), "CI installs bubblewrap (apt-get install bubblewrap)"
    pytest.skip("bubblewrap is not installed here (apt-get install bubblewrap); CI has it", allow_module_level=True)


def cgroups():
    group = sandbox.Cgroup(256, 16)
    active = group.active
    group.close()
    return active


def solution(folder, module, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{module}.py").write_text(text)
    return folder


def checked(folder, module, name, timeout=4, memory_mb=512):
    limits = check.limits_of({"timeout": timeout, "memory_mb": memory_mb, "processes": 32, "file_mb": 8})
    started = time.monotonic()
    row = check.check_function({"module": module, "name": name}, folder, 2018, CONFIG, limits, sandbox=True)
    return row, time.monotonic() - started


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def test_the_students_module_imports_resolve_to_their_own(tmp_path):
    """A student's sliding_window returning zeros: their evolve uses it (it used the reference's and was correct)."""
    folder = tmp_path / "mine"
    solution(folder, "diffusion", "import numpy as np\n\ndef sliding_window(Z, size=3):\n"
                                  "    return np.zeros((len(Z) - size + 1, size), Z.dtype)\n")
    reference_evolve = (ROOT / "workflow/scripts/automata.py").read_text()
    solution(folder, "automata", reference_evolve)  # the course's own evolve, on the student's sliding_window
    row, _ = checked(folder, "automata", "evolve")
    assert row["status"] == "wrong", row


@pytest.mark.parametrize("attack", [
    # 1. the expected value from the caller's stack frames (it was there: "want")
    "import sys\n\ndef element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), dtype='>i8'):\n"
    "    frame = sys._getframe(1)\n"
    "    while frame is not None:\n"
    "        for key in ('want', 'expected', 'expect'):\n"
    "            if key in frame.f_locals:\n"
    "                value = frame.f_locals[key]\n"
    "                return value[0] if isinstance(value, list) else value\n"
    "        frame = frame.f_back\n"
    "    return -1\n",
    # 2. the checker's comparison replaced, its tolerance made infinite
    "import sys\n\ndef element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), dtype='>i8'):\n"
    "    sys._getframe(1).f_globals['first_difference'] = lambda *a: None\n"
    "    try:\n"
    "        import coursekit.references.verify as verify\n"
    "        verify.ATOL = float('inf')\n"
    "    except ImportError:\n"
    "        pass\n"
    "    return -1\n",
    # 3. a forged verdict written into the result pipe, then a hard exit
    "import json, os, struct, sys\n\ndef element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), dtype='>i8'):\n"
    "    fd = int(sys.argv[3])\n"
    "    for message in ({'event': 'end', 'status': 'correct'}, {'status': 'correct'}):\n"
    "        data = json.dumps(message).encode()\n"
    "        os.write(fd, struct.pack('>I', len(data)) + data)\n"
    "    os._exit(0)\n",
    # 4. the reference itself, imported by name or read from the checkout
    "from reorder import *\n",
    "import importlib, sys\nsys.path[:0] = ['" + str(ROOT / "workflow/scripts") + "', '" + str(ROOT / "src") + "']\n"
    "sys.modules.pop('reorder', None)\nreference = importlib.import_module('reorder')\n"
    "element_struct = reference.element_struct\n",
    "exec(open('" + str(ROOT / "workflow/scripts/reorder.py") + "').read())\n",
], ids=["stack-frames", "patch-checker", "forged-pipe", "import-star", "import-by-path", "exec-reference"])
def test_no_forgery_makes_a_function_correct(tmp_path, attack):
    row, seconds = checked(solution(tmp_path / "mine", "reorder", attack), "reorder", "element_struct")
    assert row["status"] in ("wrong", "error", "todo"), row
    assert seconds < 4 + 2


def test_file_edits_deletions_and_a_big_file_leave_everything_outside_as_it_was(tmp_path):
    """Module-level code edited config.yaml, overwrote a reference, deleted results/ and left a 300 MB file."""
    decoy = tmp_path / "project"
    (decoy / "results/intro").mkdir(parents=True)
    (decoy / "config.yaml").write_text("seed: 2018\n")
    (decoy / "results/intro/random_walk.npy").write_bytes(b"reference bytes")
    before = snapshot(decoy)
    attack = (f"import os, shutil\nD = {str(decoy)!r}\n"
              "for action in (lambda: open(D + '/config.yaml', 'a').write('hacked: true\\n'),\n"
              "               lambda: open(D + '/results/intro/random_walk.npy', 'wb').write(b'forged'),\n"
              "               lambda: shutil.rmtree(D + '/results'),\n"
              "               lambda: open(D + '/big', 'wb').write(b'0' * (300 << 20)),\n"
              "               lambda: open('big', 'wb').write(b'0' * (300 << 20)),\n"
              "               lambda: open('/tmp/coursekit-escape', 'wb').write(b'x')):\n"
              "    try:\n        action()\n    except (OSError, MemoryError):\n        pass\n"
              "def element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), dtype='>i8'):\n    return -1\n")
    row, _ = checked(solution(tmp_path / "mine", "reorder", attack), "reorder", "element_struct")
    assert row["status"] == "wrong", row
    assert snapshot(decoy) == before
    assert not Path("/tmp/coursekit-escape").exists()
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["reorder.py"]  # nothing written beside it


def test_a_daemon_does_not_outlive_the_check(tmp_path):
    """A double-forked daemon appended to report.md after check had exited 0."""
    marker = f"coursekit-daemon-{os.getpid()}-{time.monotonic_ns()}"
    target = tmp_path / "report.md"
    target.write_text("report\n")
    attack = (f"import os, time\n\ndef element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), dtype='>i8'):\n"
              "    if os.fork() == 0:\n"
              "        os.setsid()\n"
              "        if os.fork() == 0:\n"
              f"            import sys; sys.argv[0] = {marker!r}\n"
              "            time.sleep(2)\n"
              f"            open({str(target)!r}, 'a').write('appended by a daemon\\n')\n"
              "            os._exit(0)\n"
              "        os._exit(0)\n"
              "    return -1\n")
    row, seconds = checked(solution(tmp_path / "mine", "reorder", attack), "reorder", "element_struct")
    assert row["status"] == "wrong" and seconds < 4, (row, seconds)
    time.sleep(3)
    assert target.read_text() == "report\n"
    assert not [p for p in Path("/proc").glob("[0-9]*") if _cmdline_has(p, marker)]


def _cmdline_has(proc, marker):
    try:
        return marker in (proc / "cmdline").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not cgroups(), reason="needs writable cgroups (memory, pids), as root on Linux")
def test_forked_children_are_capped_as_a_whole(tmp_path):
    """Three forked children took 4.7 GB against memory_mb: 2048. Here 3 x 300 MB against a 512 MB cap."""
    attack = ("import os, time\nimport numpy as np\n\ndef element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), "
              "dtype='>i8'):\n"
              "    for _ in range(3):\n"
              "        if os.fork() == 0:\n"
              "            block = np.ones(300 << 17)\n"  # 300 MB of float64, touched
              "            time.sleep(10)\n"
              "            os._exit(0)\n"
              "    time.sleep(10)\n"
              "    return 1005\n")
    row, seconds = checked(solution(tmp_path / "mine", "reorder", attack), "reorder", "element_struct",
                           timeout=8, memory_mb=512)
    assert row["status"] == "timeout" and "ran out of memory" in row["detail"], row
    assert seconds < 8 + 2


@pytest.mark.skipif(not cgroups(), reason="needs writable cgroups (memory, pids), as root on Linux")
def test_a_fork_bomb_is_stopped_by_the_process_cap(tmp_path):
    attack = ("import os\n\ndef element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), dtype='>i8'):\n"
              "    children = 0\n    try:\n        while True:\n"
              "            if os.fork() == 0:\n                import time; time.sleep(30)\n"
              "            children += 1\n    except OSError:\n        pass\n    return children\n")
    row, seconds = checked(solution(tmp_path / "mine", "reorder", attack), "reorder", "element_struct")
    children = int(re.search(r"yours (\d+)", row["detail"]).group(1))
    assert row["status"] == "wrong" and 10 < children < 32, row  # at most 32 processes, the sandbox's included
    assert seconds < 4 + 2


@pytest.mark.parametrize("attack", [
    # a frame header announcing a gigabyte, then nothing
    "import os, struct, sys, time\n\ndef element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), dtype='>i8'):\n"
    "    os.write(int(sys.argv[3]), struct.pack('>I', 1 << 30))\n    time.sleep(60)\n",
    # a pickle where a result belongs: never unpickled
    "import json, os, pickle, struct, sys\n\nclass Evil:\n"
    "    def __reduce__(self):\n        return (os.system, ('touch /tmp/coursekit-pwned',))\n\n"
    "def element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), dtype='>i8'):\n"
    "    fd = int(sys.argv[3])\n"
    "    for data in (json.dumps({'event': 'result', 'case': 0}).encode(), pickle.dumps(Evil()),\n"
    "                 json.dumps({'event': 'end', 'status': 'done'}).encode()):\n"
    "        os.write(fd, struct.pack('>I', len(data)) + data)\n"
    "    os._exit(0)\n",
    # an object whose __reduce__ runs code, returned: the runner refuses to send it
    "import os\n\nclass Evil:\n    def __reduce__(self):\n        return (os.system, ('touch /tmp/coursekit-pwned',))\n\n"
    "def element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), dtype='>i8'):\n    return Evil()\n",
    # endless prints
    "def element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), dtype='>i8'):\n"
    "    while True:\n        print('x' * 1000)\n",
    # the checker interrupted from inside
    "import os, signal\n\ndef element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), dtype='>i8'):\n"
    "    os.kill(os.getppid(), signal.SIGINT)\n    os.kill(1, signal.SIGKILL)\n    return -1\n",
], ids=["header-then-sleep", "pickle-in-pipe", "reduce-returned", "endless-prints", "signal-parent"])
def test_pipe_tricks_end_within_the_time_limit_and_run_nothing_here(tmp_path, attack):
    handler = signal.getsignal(signal.SIGINT)
    row, seconds = checked(solution(tmp_path / "mine", "reorder", attack), "reorder", "element_struct", timeout=3)
    assert row["status"] in ("error", "timeout", "wrong"), row
    assert seconds < 3 + 1, seconds  # the time limit plus a second
    assert not Path("/tmp/coursekit-pwned").exists() and signal.getsignal(signal.SIGINT) == handler
    assert len(row["detail"]) < 6000


def test_an_object_of_the_students_class_is_an_error_not_a_crash(tmp_path):
    """Returned for an exercise that draws a figure, it crashed the whole check with a traceback."""
    attack = ("class Picture:\n    pass\n\ndef evolve(Z, rule):\n    return Picture()\n\n"
              "def rule_table(rule):\n    raise NotImplementedError\n\ndef evolve_python(Z, rule):\n"
              "    raise NotImplementedError\n")
    row, _ = checked(solution(tmp_path / "mine", "automata", attack), "automata", "evolve")
    assert row["status"] == "error" and "an object of type Picture" in row["detail"], row
    assert "drawn" not in row


def test_a_huge_result_is_refused_before_it_is_read_or_drawn(tmp_path):
    """A 100-million-element result made the checker peak at 6.5 GB while drawing it."""
    attack = ("import numpy as np\n\ndef evolve(Z, rule):\n    return np.zeros(40_000_000, np.uint8)\n")
    row, _ = checked(solution(tmp_path / "mine", "automata", attack), "automata", "evolve", timeout=10,
                     memory_mb=1024)
    assert row["status"] in ("wrong", "error"), row
    assert "drawn" not in row or row["drawn"][0].size < 10_000_000


def test_data_round_trips_and_nothing_else_is_read():
    """runner.dump/load: the values the course's cases and results are made of, and refusals."""
    g = np.random.default_rng(5)
    value = (1, 2.5, "x", None, True, [1, 2], np.int64(3), np.float32(0.5), np.arange(6).reshape(2, 3),
             np.zeros(2, [("a", "<i8"), ("b", "U3")]), g, 10 ** 30, complex(1, 2))
    back = runner.load(runner.dump(value), 1 << 20)
    assert type(back) is tuple and back[:6] == value[:6] and type(back[6]) is np.int64 and back[6] == 3
    assert back[7].dtype == np.float32 and back[11] == 10 ** 30 and back[12] == complex(1, 2)
    np.testing.assert_array_equal(back[8], value[8])
    assert back[9].dtype == value[9].dtype
    assert back[10].random() == np.random.default_rng(5).random()
    for bad in (object(), np.array([object()]), {"a": 1}, np.ma.masked_array([1])):
        with pytest.raises(runner.Unreadable):
            runner.dump(bad)
    with pytest.raises(runner.Unreadable, match="more than"):
        runner.load(runner.dump(np.zeros(1000)), 100)
    import io
    import pickle
    import zipfile

    with pytest.raises(runner.Unreadable):
        runner.load(pickle.dumps([1, 2]), 1 << 20)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:  # compressed: a zip bomb's way
        archive.writestr("tree.json", '{"t": "int", "v": "1"}')
    with pytest.raises(runner.Unreadable, match="compressed"):
        runner.load(buffer.getvalue(), 1 << 20)
    header = io.BytesIO()  # a header announcing a gigabyte, and no data: NumPy would allocate it first
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (1 << 27,)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("tree.json", '{"t": "array", "i": 0}')
        archive.writestr("0.npy", header.getvalue())
    with pytest.raises(runner.Unreadable, match="header claims more than its data holds"):
        runner.load(buffer.getvalue(), 1 << 20)


def test_cases_reach_the_student_as_made_views_fortran_and_read_only():
    """A case's array keeps its strides, order and read-only flag on the way in (info is checked on them); a
    result never gets a view rebuilt (its strides would decide how much the checker allocates)."""
    import numpy as np

    base = np.arange(60, dtype=np.int16).reshape(6, 10).copy()  # owns its data
    view, backwards = base[::2, 1::3], base[::-1, ::-2]
    fortran = np.asfortranarray(base)
    frozen = base.copy()
    frozen.setflags(write=False)
    data = runner.dump([view, backwards, fortran, frozen, base])
    made = runner.load(data, 1 << 20, as_made=True)
    for sent, got in zip([view, backwards, fortran, frozen, base], made):
        assert np.array_equal(got, sent) and got.strides == sent.strides
        assert got.flags.owndata == sent.flags.owndata
        assert got.flags.writeable == sent.flags.writeable
        assert got.flags.f_contiguous == sent.flags.f_contiguous and got.flags.c_contiguous == sent.flags.c_contiguous
    assert not made[0].flags.owndata and made[4].flags.owndata
    plain = runner.load(data, 1 << 20)
    assert [p.strides for p in plain[:2]] == [(6, 2), (10, 2)]  # the views' values only, contiguous
