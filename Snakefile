# The "Advanced NumPy" course (N. P. Rougier, 2018), regenerated: every figure, data file and answer.
# Table of contents: the config and its schema, one rules file per chapter, and `all`.
from coursekit import snakefile

snakefile.prepare_jobs()  # one BLAS thread per job; no bytecode written into the checkout


configfile: snakefile.config_file(workflow.basedir)  # config.yaml, read strictly first (file, line, column)


report: "workflow/report/workflow.rst"


snakefile.check_workflow(workflow, config)  # the schema and the budget, before any job starts


include: "workflow/rules/common.smk"
include: "workflow/rules/intro.smk"
include: "workflow/rules/warmup.smk"
include: "workflow/rules/advanced.smk"
include: "workflow/rules/exercises.smk"
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
        COMPARED,
    default_target: True
