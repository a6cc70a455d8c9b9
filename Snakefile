# The "Advanced NumPy" course (N. P. Rougier, 2018), regenerated: every figure, data file and answer.
# Table of contents: the config and its schema, one rules file per chapter, and `all`.
import os
import sys
from pathlib import Path

# One BLAS thread in every job: results must not depend on how a sum is split across threads
# (and 2 cores are better spent on 2 jobs). No bytecode written into the checkout: it may be read-only.
os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
sys.dont_write_bytecode = True

from coursekit import budget
from coursekit.config import check_config, read_yaml
from coursekit.core import InputError

# config.yaml beside this file; `--configfile other.yaml` is merged on top of it
# (add `--replace-workflow-config` to use other.yaml alone). Read once first for a clear
# message (file, line, column) on a YAML syntax error or an empty file (see coursekit.config.read_yaml).
CONFIG_YAML = Path(workflow.basedir) / "config.yaml"
try:
    read_yaml(CONFIG_YAML)
except InputError as error:
    raise WorkflowError(str(error)) from None


configfile: CONFIG_YAML


report: "workflow/report/workflow.rst"


# Stop before any job starts if a config file breaks the strict YAML rules (anchors, a key given twice), or
# a key is unknown, mistyped or out of range. Numbers that `--config key={...}` left as text are read first.
try:
    for path in workflow.configfiles:
        read_yaml(path)
    check_config(config, Path(workflow.basedir) / "workflow/schemas/config.schema.yaml",
                 source=" + ".join([Path(f).name if Path(f).parent == Path(workflow.basedir) else str(f)
                                    for f in workflow.configfiles]
                                   + (["--config"] if workflow.config_settings.config else [])),
                 overrides=workflow.config_settings.config)
    # What each job would need (the photos' sizes from their headers), against config key budget.
    budget.check(config, {name: budget.image_pixels(Path(workflow.basedir) / path)
                          for name, path in config["quantize"]["images"].items()})
except InputError as error:
    raise WorkflowError(str(error)) from None


include: "workflow/rules/common.smk"
include: "workflow/rules/intro.smk"
include: "workflow/rules/warmup.smk"
include: "workflow/rules/advanced.smk"
include: "workflow/rules/verify.smk"
include: "workflow/rules/benchmarks.smk"
include: "workflow/rules/students.smk"
include: "workflow/rules/course.smk"
include: "workflow/rules/compat.smk"
include: "workflow/rules/page.smk"


rule all:
    input:
        ARTEFACTS,
        INTRO_MEASURED,
        WARMUP_MEASURED,
        rules.write_provenance.output,
        rules.compare_with_references.output,
        rules.write_course_page.output,
    default_target: True
