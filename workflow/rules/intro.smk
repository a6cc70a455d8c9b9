# ❶ Introduction: the random walk three ways, and the subsequence search in Python and NumPy.


rule simulate_random_walk:
    input:
        code=code(),
    output:
        npy=f"{RESULTS}/intro/random_walk.npy",
        png=report(f"{RESULTS}/intro/random_walk.png", caption=caption("random_walk"), category="1 Introduction"),
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
        seed=config["seed"],
        n=config["random_walk"]["n"],
    log:
        log_of("simulate_random_walk", "random_walk"),
    script:
        "../scripts/random_walk.py"


rule time_random_walk:
    input:
        code=code("tools"),
    output:
        csv=report(f"{RESULTS}/intro/random_walk-timings.csv", caption=caption("random_walk-timings"),
                   category="1 Introduction"),
    params:
        seed=config["seed"],
        n=config["random_walk"]["n"],
        repeats=config["timing"]["repeats"],
    log:
        log_of("time_random_walk", "random_walk-timings"),
    script:
        "../scripts/random_walk.py"


rule search_subsequence:
    input:
        code=code(),
    output:
        npy=f"{RESULTS}/intro/subsequence.npy",
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
        seed=config["seed"],
        subsequence=config["subsequence"],
    log:
        log_of("search_subsequence", "subsequence"),
    script:
        "../scripts/subsequence.py"


rule time_subsequence:
    input:
        code=code("tools"),
    output:
        csv=report(f"{RESULTS}/intro/subsequence-timings.csv", caption=caption("subsequence-timings"),
                   category="1 Introduction"),
    params:
        seed=config["seed"],
        subsequence=config["subsequence"],
        repeats=config["timing"]["repeats"],
    log:
        log_of("time_subsequence", "subsequence-timings"),
    script:
        "../scripts/subsequence.py"


INTRO = flat(rules.simulate_random_walk.output, rules.search_subsequence.output)
INTRO_MEASURED = flat(rules.time_random_walk.output, rules.time_subsequence.output)
