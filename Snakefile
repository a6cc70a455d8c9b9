# The "Advanced NumPy" course (N. P. Rougier, 2018), regenerated: every figure, data file and answer.
# Table of contents: the config and its schema, one rules file per chapter, and `all`.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(workflow.basedir) / "workflow" / "scripts"))
from pipeline import InputError, check_config

# config.yaml beside this file; `--configfile other.yaml` is merged on top of it
# (add `--replace-workflow-config` to use other.yaml alone).
configfile: Path(workflow.basedir) / "config.yaml"


# Stop before any job starts if a key is unknown, mistyped or out of range.
try:
    check_config(config, Path(workflow.basedir) / "workflow/schemas/config.schema.yaml",
                 source=" + ".join([Path(f).name if Path(f).parent == Path(workflow.basedir) else str(f)
                                    for f in workflow.configfiles]
                                   + (["--config"] if workflow.config_settings.config else [])))
except InputError as error:
    raise WorkflowError(str(error)) from None


include: "workflow/rules/common.smk"
include: "workflow/rules/intro.smk"
include: "workflow/rules/warmup.smk"
include: "workflow/rules/advanced.smk"


rule all:
    input:
        INTRO,
        WARMUP,
        ADVANCED,
    default_target: True
