# ❶ Introduction: the random walk three ways, and the subsequence search in Python and NumPy.


rule simulate_random_walk:
    input:
        code=code("tools"),
    output:
        npy=f"{RESULTS}/intro/random_walk.npy",
        png=f"{RESULTS}/intro/random_walk.png",
    params:
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
        csv=f"{RESULTS}/intro/random_walk-timings.csv",
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
        code=code("tools"),
    output:
        npy=f"{RESULTS}/intro/subsequence.npy",
    params:
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
        csv=f"{RESULTS}/intro/subsequence-timings.csv",
    params:
        seed=config["seed"],
        subsequence=config["subsequence"],
        repeats=config["timing"]["repeats"],
    log:
        log_of("time_subsequence", "subsequence-timings"),
    script:
        "../scripts/subsequence.py"


INTRO = [
    rules.simulate_random_walk.output,
    rules.time_random_walk.output,
    rules.search_subsequence.output,
    rules.time_subsequence.output,
]
