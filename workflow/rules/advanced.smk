# ❸ Advanced exercises: geometry with a structured array, colour quantization, the perceptron.

rule transform_squares:
    input:
        code=code(),
    output:
        npy=f"{RESULTS}/advanced/geometry.npy",
        png=report(f"{RESULTS}/advanced/geometry.png", caption=caption("geometry"), category="3 Advanced"),
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
        geometry=config["geometry"],
    log:
        log_of("transform_squares", "geometry"),
    script:
        "../scripts/geometry.py"


rule quantize_frequent:
    input:
        image=image_of,
        code=code("coursekit.quantizer.engine", "coursekit.quantizer.images", "coursekit.quantizer.command"),
    output:
        png=report(f"{RESULTS}/advanced/quantize/{{name}}-frequent-{{n}}.png", caption=caption("quantize-frequent"),
                   category="3 Advanced", subcategory="Colour quantization"),
    wildcard_constraints:
        n=r"\d+",
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
        method="frequent",
    resources:
        mem_mb=quantize_mem_mb,  # follows the photo's size: a cluster job requests what it needs
    log:
        log_of("quantize_frequent", "{name}-frequent-{n}"),
    script:
        "../scripts/quantize.py"


rule quantize_as_published:
    input:
        image=image_of,
        code=code("coursekit.quantizer.engine", "coursekit.quantizer.images", "coursekit.quantizer.command"),
    output:
        png=report(f"{RESULTS}/advanced/quantize/{{name}}-published-{{n}}.png", caption=caption("quantize-published"),
                   category="3 Advanced", subcategory="Colour quantization"),
    wildcard_constraints:
        n=r"\d+",
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
        method="published",
    resources:
        mem_mb=quantize_mem_mb,
    log:
        log_of("quantize_as_published", "{name}-published-{n}"),
    script:
        "../scripts/quantize.py"


rule quantize_kmeans:
    input:
        image=image_of,
        code=code("coursekit.quantizer.engine", "coursekit.quantizer.images", "coursekit.quantizer.command"),
    output:
        png=report(f"{RESULTS}/advanced/quantize/{{name}}-kmeans-{{n}}.png", caption=caption("quantize-kmeans"),
                   category="3 Advanced", subcategory="Colour quantization"),
        npy=f"{RESULTS}/advanced/quantize/{{name}}-kmeans-{{n}}.npy",
        palette=report(f"{RESULTS}/advanced/quantize/{{name}}-kmeans-{{n}}-palette.png", caption=caption("quantize-kmeans"),
                       category="3 Advanced", subcategory="Colour quantization"),
    wildcard_constraints:
        n=r"\d+",
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
        method="kmeans",
        steps=config["quantize"]["steps"],
        seed=config["seed"],
    resources:
        mem_mb=quantize_mem_mb,  # follows the photo's size: a cluster job requests what it needs
    log:
        log_of("quantize_kmeans", "{name}-kmeans-{n}"),
    script:
        "../scripts/quantize.py"


rule train_perceptron:
    input:
        code=code(),
    output:
        log_csv=report(f"{RESULTS}/advanced/perceptron/log.csv", caption=caption("perceptron-log"),
                       category="3 Advanced", subcategory="Perceptron"),
        png=report(f"{RESULTS}/advanced/perceptron/perceptron.png", caption=caption("perceptron"),
                   category="3 Advanced", subcategory="Perceptron"),
        mp4=report(f"{RESULTS}/advanced/perceptron/perceptron.mp4", caption=caption("perceptron-video"),
                   category="3 Advanced", subcategory="Perceptron"),
    params:
        versions=VERSIONS,  # a new NumPy, matplotlib, Pillow or imageio reruns this job
        seed=config["seed"],
        perceptron=config["perceptron"],
    log:
        log_of("train_perceptron", "perceptron"),
    script:
        "../scripts/perceptron.py"


ADVANCED = flat(
    rules.transform_squares.output,
    expand(rules.quantize_frequent.output, name=config["quantize"]["images"], n=config["quantize"]["colors"]),
    expand(rules.quantize_as_published.output, name=config["quantize"]["images"], n=config["quantize"]["colors"]),
    expand(rules.quantize_kmeans.output, name=config["quantize"]["images"], n=config["quantize"]["colors"]),
    rules.train_perceptron.output,
)
