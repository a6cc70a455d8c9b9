"""A class of generated submissions, of every kind a course author meets, and the statuses each must get.

``python tests/workflow/classroom.py DIR [N]`` writes N students (20 by default) into DIR; the tests and
tests/slurm/run.sh grade the same class.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = {m: (ROOT / "workflow/scripts" / f"{m}.py").read_text() for m in ("reorder", "strides", "repeat")}
SIGNATURE = "def element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), dtype='>i8'):\n"


def kinds(decoy):
    """Each kind of submission: its files, and the status each of reorder's and strides' functions must get.

    The hostile one tries to write into ``decoy``'s config.yaml and README.md (a folder of the caller's: if the
    sandbox ever failed, only they would be at stake, never the checkout).
    """
    wrong = REFERENCE["reorder"] + "\n\n" + SIGNATURE + "    return -1\n"
    loop = REFERENCE["reorder"] + "\n\n" + SIGNATURE + "    while True:\n        pass\n"
    hostile = REFERENCE["reorder"] + (
        "\n\nimport os, sys\n"
        "for path in ('" + str(Path(decoy) / "config.yaml") + "', '" + str(Path(decoy) / "README.md") + "'):\n"
        "    try:\n        open(path, 'a').write('hacked\\n')\n    except OSError:\n        pass\n\n"
        + SIGNATURE +
        "    frame = sys._getframe(1)\n"
        "    while frame is not None:\n"
        "        if 'want' in frame.f_locals:\n            return frame.f_locals['want']\n"
        "        frame = frame.f_back\n"
        "    if os.fork() == 0:\n        import time; time.sleep(30)\n"
        "    return 0\n")
    return {
        "correct": ({"reorder.py": REFERENCE["reorder"], "strides.py": REFERENCE["strides"]},
                    {"element_numpy": "correct", "element_struct": "correct", "strides": "correct"}),
        "wrong": ({"reorder.py": wrong}, {"element_numpy": "correct", "element_struct": "wrong", "strides": "todo"}),
        "loop": ({"reorder.py": loop}, {"element_numpy": "correct", "element_struct": "timeout", "strides": "todo"}),
        "hostile": ({"reorder.py": hostile}, {"element_numpy": "correct", "element_struct": "wrong",
                                              "strides": "todo"}),
        "empty": ({}, {"element_numpy": "todo", "element_struct": "todo", "strides": "todo"}),
        "syntax": ({"reorder.py": "def element_numpy(L:\n"}, {"element_numpy": "error", "element_struct": "error",
                                                             "strides": "todo"}),
    }


def make_class(folder, count=20, decoy=None):
    """Write ``count`` students into ``folder``, the kinds in turn; return {student: {function: status}}.

    ``decoy``: the folder the hostile students attack (default: a folder ``decoy`` beside ``folder``).
    """
    expected = {}
    decoy = Path(decoy or Path(folder).parent / "decoy")
    decoy.mkdir(parents=True, exist_ok=True)
    for name in ("config.yaml", "README.md"):
        if not (decoy / name).exists():
            (decoy / name).write_text(f"{name}: a file no student may change\n")
    every = kinds(decoy)
    for i in range(count):
        kind = list(every)[i % len(every)]
        files, statuses = every[kind]
        student = Path(folder) / f"s{i:02d}-{kind}"
        student.mkdir(parents=True)
        for name, text in files.items():
            (student / name).write_text(text)
        expected[student.name] = statuses
    return expected


if __name__ == "__main__":
    make_class(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20)
