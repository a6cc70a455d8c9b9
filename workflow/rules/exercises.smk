# The exercises that declare themselves (EXERCISE in their module, see src/coursekit/modules.py): one rule
# makes each one's artefact, results/<artefact>.npy and its figure; verify, the page and compat find them.
from coursekit.modules import declared

DECLARED = {d.artefact: d for d in declared()}


rule make_exercise_artefact:
    """A declared exercise's artefact: its module's make(parameters, rng), saved, and plot() of it."""
    input:
        code=lambda wildcards: code(DECLARED[wildcards.artefact].module),
    output:
        npy=f"{RESULTS}/{{artefact}}.npy",
        png=report(f"{RESULTS}/{{artefact}}.png", caption=caption("exercise"), category="7 Added exercises"),
    wildcard_constraints:
        artefact="|".join(DECLARED) or "no-declared-exercise",
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
        module=lambda wildcards: DECLARED[wildcards.artefact].module,
        parameters=lambda wildcards: config[DECLARED[wildcards.artefact].module],
        seed=config["seed"],
    log:
        log_of("make_exercise_artefact", "{artefact}"),
    script:
        machinery("modules")


EXERCISE_ARTEFACTS = [f"{RESULTS}/{artefact}.{ext}" for artefact in DECLARED for ext in ("npy", "png")]
