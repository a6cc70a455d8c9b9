"""What the Snakefile does before its rules: the jobs' environment, and the config checked before any job starts.

The Snakefile stays a table of contents; each step it takes before its
``include:`` lines is one call here, and a bad input is a ``WorkflowError``
whose message names the file and line, or the config key, the value and what
is allowed (no traceback from our code).
"""

import contextlib
import os
import sys
from pathlib import Path

__all__ = ["prepare_jobs", "config_file", "check_workflow"]


def prepare_jobs():
    """One BLAS thread in every job, and no bytecode written into the checkout (it may be read-only).

    Results must not depend on how a sum is split across threads, and 2 cores
    are better spent on 2 jobs. Snakemake's jobs inherit this process's
    environment.
    """
    os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                      PYTHONDONTWRITEBYTECODE="1")
    sys.dont_write_bytecode = True


@contextlib.contextmanager
def as_workflow_error():
    """Turn an :class:`~coursekit.core.InputError` into Snakemake's WorkflowError: one message, no traceback of ours."""
    from snakemake.exceptions import WorkflowError

    from coursekit.core import InputError

    try:
        yield
    except InputError as error:
        raise WorkflowError(str(error)) from None


def config_file(basedir):
    """config.yaml beside the Snakefile, read once strictly first: a YAML syntax error or an empty file is named
    with its line and column (:func:`coursekit.config.read_yaml`) before Snakemake reads it its own way.

    ``--configfile other.yaml`` is merged on top of it (``--replace-workflow-config`` uses other.yaml alone).
    """
    from coursekit.config import read_yaml

    path = Path(basedir) / "config.yaml"
    with as_workflow_error():
        read_yaml(path)
    return path


def check_workflow(workflow, config):
    """Stop before any job starts if a config file breaks the strict YAML rules (anchors, a key given twice), a
    key is unknown, mistyped or out of range, or a job would need more than config key ``budget`` allows.

    Numbers that ``--config key={...}`` left as text are read first (:func:`coursekit.config.from_command_line`).
    """
    from coursekit import budget
    from coursekit.config import check_config, read_yaml

    basedir = Path(workflow.basedir)
    with as_workflow_error():
        for path in workflow.configfiles:
            read_yaml(path)
        source = " + ".join([Path(f).name if Path(f).parent == basedir else str(f) for f in workflow.configfiles]
                            + (["--config"] if workflow.config_settings.config else []))
        check_config(config, basedir / "workflow/schemas/config.schema.yaml", source=source,
                     overrides=workflow.config_settings.config)
        # what each job would need (the photos' sizes from their headers), against config key budget
        budget.check(config, {name: budget.image_pixels(basedir / path)
                              for name, path in config["quantize"]["images"].items()})
