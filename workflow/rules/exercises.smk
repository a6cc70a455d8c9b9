# The exercises that declare themselves (EXERCISE in their module, see src/coursekit/modules.py): one rule
# makes each one's artefact, results/<folder>/<module>.npy and its figure; verify, the page and compat find them.
from coursekit.modules import declared

DECLARED = {d.module: d for d in declared()}


rule make_exercise_artefact:
    """A declared exercise's artefact: its module's make(parameters, rng), saved, and plot() of it."""
    input:
        code=lambda wildcards: code(wildcards.module),
    output:
        npy=f"{RESULTS}/{{folder}}/{{module}}.npy",
        png=report(f"{RESULTS}/{{folder}}/{{module}}.png", caption=caption("exercise"), category="7 Added exercises"),
    wildcard_constraints:
        module="|".join(DECLARED) or "no-declared-exercise",
        folder="|".join({d.artefact.split("/")[0] for d in DECLARED.values()}) or "no-declared-exercise",
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
        module=lambda wildcards: wildcards.module,
        parameters=lambda wildcards: config[wildcards.module],
        seed=config["seed"],
    log:
        log_of("make_exercise_artefact", "{folder}-{module}"),
    script:
        machinery("modules")


EXERCISE_ARTEFACTS = [f"{RESULTS}/{d.artefact}.{ext}" for d in DECLARED.values() for ext in ("npy", "png")]
