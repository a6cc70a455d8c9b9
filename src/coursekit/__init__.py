"""coursekit: the machinery of the "Advanced NumPy" course, kept apart from the course itself.

The course is ``workflow/scripts/``: one module per exercise source, the
course's solution first. Everything the course does not teach is here, one
sub-package or module per job:

- :mod:`coursekit.core`: errors, seeds, safe reading and writing, a job's entry;
- :mod:`coursekit.config`: the config read strictly and checked against its schema;
- :mod:`coursekit.budget`: what each job would need, checked before any job starts;
- :mod:`coursekit.references`: the committed references (manifest), ``verify``, provenance;
- :mod:`coursekit.students`: the students' skeletons and the check of their functions;
- :mod:`coursekit.compat`: the course under other NumPy versions;
- :mod:`coursekit.published`: the comparison with the course as published;
- :mod:`coursekit.page`: the page to share, ``results/course.html``;
- :mod:`coursekit.benchmarks`: the course's slow-against-fast pairs, and the quantizers compared;
- :mod:`coursekit.quantizer`: the fast colour quantization and its image input and output.

The package is installed in editable mode from the checkout (``-e .`` in
requirements.txt): it finds the course's scripts beside it, in
:data:`COURSE`.
"""

import sys
from pathlib import Path

__all__ = ["CHECKOUT", "COURSE", "use_course"]

CHECKOUT = Path(__file__).resolve().parents[2]  # src/coursekit/__init__.py -> the checkout
COURSE = CHECKOUT / "workflow" / "scripts"  # the course's modules: random_walk, diffusion, automata, ...


def use_course():
    """Make the course's modules importable (``import automata``) for the machinery that runs or reads them."""
    if not COURSE.is_dir():
        raise ImportError(f"coursekit finds the course in {COURSE}, which is not a folder: install the package "
                          "from its checkout in editable mode (pip install -e .), as requirements.txt does")
    if str(COURSE) not in sys.path:
        sys.path.insert(0, str(COURSE))
