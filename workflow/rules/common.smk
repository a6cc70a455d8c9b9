# Shared by every chapter: where results, logs, inputs, code and captions are.
from pathlib import Path

import coursekit
from coursekit import budget
from coursekit.core import package_versions
from coursekit.references import manifest
from coursekit.snakefile import as_workflow_error

RESULTS = "results"
REPO = Path(workflow.basedir)
# The installed versions the artefacts depend on, a param of every job that makes one: installing another
# NumPy (or matplotlib, whose wheel also fixes FreeType) reruns exactly those jobs, no --forceall needed.
VERSIONS = package_versions(("numpy", "matplotlib", "pillow", "imageio", "imageio-ffmpeg"))


def log_of(rule, name):
    """The log path of a job: results/logs/<rule>/<name>.log."""
    return f"{RESULTS}/logs/{rule}/{name}.log"


def repo_path(path):
    """An input path from config.yaml: relative paths are relative to the repository."""
    return str(REPO / path)


def code(*modules):
    """The modules a script imports, as inputs, so that editing one reruns the jobs that use it.

    A plain name is a course module (``workflow/scripts/<name>.py``); a dotted
    one a module of the package (``coursekit.quantizer.engine``). Every job
    reads coursekit.core. (Snakemake tracks the script itself; the modules it
    imports are ours to declare.)
    """
    return [module_path(m) for m in ("coursekit.core", *modules)]


def module_path(module):
    """The file of a course module (plain name) or of a package module (dotted name)."""
    if "." not in module:
        return str(REPO / "workflow" / "scripts" / f"{module}.py")
    return str(Path(coursekit.__file__).parent.joinpath(*module.split(".")[1:]).with_suffix(".py"))


def machinery(module):
    """The script of a job the package runs (``page``, ``references.verify``): a module of coursekit."""
    return module_path(f"coursekit.{module}")


def caption(name):
    """The report caption of an artefact: workflow/report/<name>.rst (it may quote the run's params)."""
    return f"../report/{name}.rst"


def flat(*items):
    """All file paths in rule outputs, expand() lists and plain strings, as one flat list."""
    paths = []
    for item in items:
        paths += [item] if isinstance(item, str) else flat(*item)
    return paths


REFERENCES = Path(repo_path(config["references"]))
with as_workflow_error():
    manifest.check_folder(REFERENCES, REPO)  # refuses a file, the repository, data/ or a system folder
    # The reference files MANIFEST.sha256 lists, and the manifest, as the comparison's inputs (so that
    # accepting new ones reruns it). Read from the manifest, never by walking the folder.
    REFERENCE_FILES = manifest.listed(REFERENCES)


def image_of(wildcards):
    """The path of the image named `name` in config quantize.images."""
    return repo_path(config["quantize"]["images"][wildcards.name])


def quantize_mem_mb(wildcards, input):
    """Memory (MB) to request for quantizing an image: from its pixel count (read from its header), see budget.py."""
    return budget.mem_mb(budget.image_pixels(input.image) or 0, int(wildcards.n))
