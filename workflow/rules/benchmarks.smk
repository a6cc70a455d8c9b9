# Benchmarks: every slow-versus-fast pair of the course, measured side by side. Not part of `all`:
# `snakemake --cores 1 benchmarks` (one core, so that nothing else runs while it measures).


rule benchmarks:
    input:
        photo=repo_path(config["benchmarks"]["quantize"]["image"]),
        code=code("tools", "random_walk", "subsequence", "diffusion", "automata", "geometry", "quantize",
                  "quantize_engine", "images"),
    output:
        csv=report(f"{RESULTS}/benchmarks/benchmarks.csv", caption=caption("benchmarks"), category="5 Benchmarks"),
        png=report(f"{RESULTS}/benchmarks/benchmarks.png", caption=caption("benchmarks"), category="5 Benchmarks"),
    params:
        benchmarks=config["benchmarks"],
        subsequence=config["subsequence"],
        seed=config["seed"],
    log:
        log_of("benchmarks", "benchmarks"),
    script:
        "../scripts/benchmarks.py"
