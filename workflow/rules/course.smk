# The course as published: our default artefacts beside the figures of the course's repository (data/course/).
#   snakemake --cores all course


rule course:
    """Compare our artefacts with the course's published figures: results/course/compare.{csv,md}."""
    input:
        diffusion=rules.simulate_diffusion.output.npy,
        rule_30=expand(rules.simulate_automaton.output.npy, rule=30)[0],
        geometry=rules.transform_squares.output.png,
        published=expand(rules.quantize_as_published.output.png, name="kitten", n=16)[0],
        frequent=expand(rules.quantize_frequent.output.png, name="kitten", n=16)[0],
        kmeans=expand(rules.quantize_kmeans.output.png, name="kitten", n=16)[0],
        perceptron=rules.train_perceptron.output.mp4,
        course_diffusion=repo_path("data/course/diffusion.png"),
        course_automata=repo_path("data/course/automata.png"),
        course_geometry=repo_path("data/course/geometry.png"),
        course_dithered=repo_path("data/course/kitten-dithered.jpg"),
        course_quantized=repo_path("data/course/kitten-quantized.jpg"),
        course_perceptron=repo_path("data/course/perceptron.mp4"),
        code=code(),
    output:
        csv=f"{RESULTS}/course/compare.csv",
        md=report(f"{RESULTS}/course/compare.md", caption=caption("course"), category="4 Reproducibility"),
    log:
        log_of("course", "compare"),
    script:
        machinery("published")


# The comparison is part of `all` (and of the page) where the config makes the default artefacts it compares.
COMPARED = (rules.course.output
            if "kitten" in config["quantize"]["images"] and 16 in config["quantize"]["colors"]
            and 30 in config["automata"]["rules"] else [])
