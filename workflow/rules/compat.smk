# The course under several NumPy versions: `snakemake --cores all compat` (not part of `all`: it installs NumPys).
# Each version's environment is made once under .snakemake/compat/ in the working folder, and kept.


rule run_under_numpy:
    input:
        references=REFERENCE_FILES,
        code=code("coursekit.compat", "coursekit.references.verify", "coursekit.quantizer.images", "random_walk", "subsequence", "diffusion", "automata", "records",
                  "geometry", "quantize", "coursekit.quantizer.engine", "perceptron"),
    output:
        json=f"{RESULTS}/compat/numpy-{{version}}.json",
    wildcard_constraints:
        version=r"[0-9][0-9A-Za-z.]*",
    params:
        config=config,
        references=lambda wildcards: str(REFERENCES),
        cache=".snakemake/compat",
    log:
        log_of("run_under_numpy", "numpy-{version}"),
    script:
        machinery("compat")


rule gather_compat:
    """Every artefact's numbers under every NumPy of config key compat.numpy, against the references."""
    input:
        runs=expand(rules.run_under_numpy.output.json, version=config["compat"]["numpy"]),
        code=code("coursekit.compat"),
    output:
        csv=f"{RESULTS}/compat/matrix.csv",
        warnings=f"{RESULTS}/compat/warnings.csv",
        md=report(f"{RESULTS}/compat/matrix.md", caption=caption("compat"), category="4 Reproducibility"),
        png=report(f"{RESULTS}/compat/matrix.png", caption=caption("compat"), category="4 Reproducibility"),
    log:
        log_of("gather_compat", "matrix"),
    script:
        machinery("compat")


rule compat:
    """`snakemake --cores all compat`: the matrix, then fails if an artefact differs or fails under a NumPy."""
    input:
        csv=rules.gather_compat.output.csv,
        md=rules.gather_compat.output.md,
        code=code("coursekit.compat"),
    log:
        log_of("compat", "verdict"),
    script:
        machinery("compat")
