# ❷ Warmup: the useful tools, diffusion, Rule 30, structured-array I/O and the answers to every question.


rule write_sysinfo:
    input:
        code=code(),
    output:
        sysinfo=report(f"{RESULTS}/sysinfo.txt", caption=caption("sysinfo"), category="2 Warmup"),
    log:
        log_of("write_sysinfo", "sysinfo"),
    script:
        "../scripts/tools.py"


rule show_tools:
    """The course's info() of four kinds of array and its imshow(), as text a terminal shows, and a PNG of it."""
    input:
        code=code(),
    output:
        txt=report(f"{RESULTS}/warmup/tools.txt", caption=caption("tools"), category="2 Warmup"),
        png=report(f"{RESULTS}/warmup/tools-imshow.png", caption=caption("tools"), category="2 Warmup"),
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
        seed=config["seed"],
    log:
        log_of("show_tools", "tools"),
    script:
        "../scripts/tools.py"


rule simulate_diffusion:
    input:
        code=code(),
    output:
        npy=f"{RESULTS}/warmup/diffusion.npy",
        png=report(f"{RESULTS}/warmup/diffusion.png", caption=caption("diffusion"), category="2 Warmup"),
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
        diffusion=config["diffusion"],
        seed=config["seed"] if config["diffusion"]["noise"] > 0 else None,  # only the noisy start draws
    log:
        log_of("simulate_diffusion", "diffusion"),
    script:
        "../scripts/diffusion.py"


rule simulate_automaton:
    input:
        code=code("diffusion"),
    output:
        npy=f"{RESULTS}/warmup/automata/rule-{{rule}}.npy",
        png=report(f"{RESULTS}/warmup/automata/rule-{{rule}}.png", caption=caption("automata"), category="2 Warmup",
                   subcategory="Elementary automata"),
    wildcard_constraints:
        rule=r"\d+",
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
        automata={k: config["automata"][k] for k in ("steps", "width")},
    log:
        log_of("simulate_automaton", "rule-{rule}"),
    script:
        "../scripts/automata.py"


rule draw_automata_gallery:
    input:
        npy=expand(rules.simulate_automaton.output.npy, rule=config["automata"]["rules"]),
        code=code(),
    output:
        png=report(f"{RESULTS}/warmup/automata/gallery.png", caption=caption("automata-gallery"), category="2 Warmup",
                   subcategory="Elementary automata"),
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
        rules=config["automata"]["rules"],
    log:
        log_of("draw_automata_gallery", "gallery"),
    script:
        "../scripts/automata.py"


rule sort_records:
    input:
        data=repo_path(config["records"]["data"]),
        code=code(),
    output:
        npz=f"{RESULTS}/warmup/sorted.npz",
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
    log:
        log_of("sort_records", "sorted"),
    script:
        "../scripts/records.py"


rule answer_warmup:
    input:
        data=rules.sort_records.input.data,
        npz=rules.sort_records.output.npz,
        kitten=repo_path("data/course/kitten.jpg"),  # the course's photo: its naive-quantization defect, counted
        code=code("basic_manipulation", "nan_arithmetics", "strides", "repeat", "reorder", "records", "automata",
                  "diffusion", "geometry", "quantize", "coursekit.quantizer.engine", "subsequence", "coursekit.quantizer.images"),
    output:
        md=report(f"{RESULTS}/warmup/answers.md", caption=caption("answers"), category="2 Warmup"),
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
    log:
        log_of("answer_warmup", "answers"),
    script:
        "../scripts/answers.py"


WARMUP = flat(
    rules.show_tools.output,
    rules.simulate_diffusion.output,
    expand(rules.simulate_automaton.output, rule=config["automata"]["rules"]),
    rules.draw_automata_gallery.output,
    rules.sort_records.output,
    rules.answer_warmup.output,
)
WARMUP_MEASURED = flat(rules.write_sysinfo.output)
