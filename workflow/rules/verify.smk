# Reproducibility you can check: provenance, comparison with committed references, accepting new ones.
from coursekit.references.provenance import git_commit

# Every artefact whose bytes are fixed by the config: timings, sysinfo and provenance are measurements.
ARTEFACTS = INTRO + WARMUP + ADVANCED + EXERCISE_ARTEFACTS


rule write_provenance:
    input:
        code=code("coursekit.references.provenance"),
    output:
        json=report(f"{RESULTS}/provenance.json", caption=caption("provenance"), category="4 Reproducibility"),
    params:
        config=config,
        commit=git_commit(REPO),
        versions=VERSIONS,  # recorded: another NumPy rewrites the provenance
    log:
        log_of("write_provenance", "provenance"),
    script:
        machinery("references.provenance")


rule compare_with_references:
    input:
        artefacts=ARTEFACTS,
        provenance=rules.write_provenance.output.json,  # this run's versions, against the references'
        references=REFERENCE_FILES,
        code=code("coursekit.references.verify", "coursekit.references.manifest"),
    output:
        md=report(f"{RESULTS}/verify.md", caption=caption("verify"), category="4 Reproducibility"),
        csv=f"{RESULTS}/verify.csv",  # the same rows as data: `verify` and the page read them
    params:
        references=lambda wildcards: str(REFERENCES),  # a folder the script reads (and, to accept, writes)
        config=config,
    log:
        log_of("compare_with_references", "verify"),
    script:
        machinery("references.verify")


rule verify:
    """`snakemake --cores all verify`: regenerate what is out of date, fail unless every artefact matches."""
    input:
        md=rules.compare_with_references.output.md,
        csv=rules.compare_with_references.output.csv,
        artefacts=ARTEFACTS,
        code=code(),
    params:
        references=lambda wildcards: str(REFERENCES),  # a folder the script reads (and, to accept, writes)
    log:
        log_of("verify", "verify"),
    script:
        machinery("references.verify")


rule accept_references:
    """`snakemake --cores all accept_references`: copy the current artefacts into workflow/references/."""
    input:
        md=rules.compare_with_references.output.md,
        artefacts=ARTEFACTS,
        provenance=rules.write_provenance.output.json,  # kept with the references: the versions that made them
        code=code(),
    params:
        references=lambda wildcards: str(REFERENCES),  # a folder the script reads (and, to accept, writes)
        config=config,
        repo=lambda wildcards: str(REPO),  # (accept refuses to write into the repository, or data/, itself)
    log:
        log_of("accept_references", "accept"),
    script:
        machinery("references.verify")
