# Benchmarks: every slow-versus-fast pair of the course, and colour quantization against the libraries a
# user would pick, measured side by side. Not part of `all`: `snakemake --cores 1 benchmarks` (one job at a
# time, so that nothing else runs while it measures; each job still uses both cores, as users' runs do).


rule benchmarks:
    input:
        f"{RESULTS}/benchmarks/benchmarks.csv",
        f"{RESULTS}/benchmarks/quantize-libraries.csv",


rule benchmark_pairs:
    input:
        photo=repo_path(config["benchmarks"]["quantize"]["image"]),
        code=code("tools", "random_walk", "subsequence", "diffusion", "automata", "geometry", "quantize",
                  "coursekit.quantizer.engine", "coursekit.quantizer.images", "coursekit.benchmarks.pairs",
                  *(d.module for d in DECLARED.values())),  # and the exercises added as one module
    output:
        csv=report(f"{RESULTS}/benchmarks/benchmarks.csv", caption=caption("benchmarks"), category="5 Benchmarks"),
        png=report(f"{RESULTS}/benchmarks/benchmarks.png", caption=caption("benchmarks"), category="5 Benchmarks"),
    params:
        benchmarks=config["benchmarks"],
        subsequence=config["subsequence"],
        seed=config["seed"],
        declared={d.module: config[d.module] for d in DECLARED.values()},  # their config keys: cases() reads them
    log:
        log_of("benchmarks", "benchmarks"),
    script:
        machinery("benchmarks.pairs")


rule benchmark_quantize:
    input:
        photo=repo_path(config["benchmarks"]["quantize"]["image"]),
        code=code("coursekit.benchmarks.quantizers", "coursekit.benchmarks.pairs", "quantize", "coursekit.quantizer.engine", "coursekit.quantizer.images"),
    output:
        libraries=report(f"{RESULTS}/benchmarks/quantize-libraries.csv", caption=caption("bench_quantize"),
                         category="5 Benchmarks"),
        commands=report(f"{RESULTS}/benchmarks/quantize-commands.csv", caption=caption("bench_quantize"),
                        category="5 Benchmarks"),
        scaling=f"{RESULTS}/benchmarks/quantize-scaling.csv",
        figure=report(f"{RESULTS}/benchmarks/quantize-scaling.png", caption=caption("bench_quantize"),
                      category="5 Benchmarks"),
        summary=f"{RESULTS}/benchmarks/quantize.md",
    params:
        benchmarks=config["benchmarks"],
        seed=config["seed"],
    log:
        log_of("benchmarks", "quantize"),
    script:
        machinery("benchmarks.quantizers")
