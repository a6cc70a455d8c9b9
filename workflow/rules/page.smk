# The course as one page to share: results/course.html (part of `all`), with the course's published figures
# beside ours and the `course` comparison where the config makes what it compares (COMPARED, course.smk).
from coursekit.contents import PUBLISHED
from coursekit.page import leftover_files


def current_params(wildcards):
    """Each rule's params as the current config gives them (those that need no wildcards): to mark stale artefacts."""
    return {r.name: {k: v for k, v in r.params.items() if not callable(v)} for r in workflow.rules}


# What the current config makes (plain paths): anything else the page finds under results/ is left over from an
# earlier config.
EXPECTED = [str(path) for path in flat(ARTEFACTS, INTRO_MEASURED, WARMUP_MEASURED, rules.write_sysinfo.output)]


rule write_course_page:
    """Every exercise with its statement and solution, the published figures beside ours, every artefact inline."""
    input:
        artefacts=ARTEFACTS,
        measured=INTRO_MEASURED + WARMUP_MEASURED,
        provenance=rules.write_provenance.output.json,
        verify=rules.compare_with_references.output.md,
        statuses=rules.compare_with_references.output.csv,
        compared=COMPARED,
        published=[repo_path(path) for path in PUBLISHED],
        code=code("coursekit.page", "coursekit.contents", "coursekit.students.skeletons", "tools"),
    output:
        html=f"{RESULTS}/course.html",
    params:
        current=current_params,
        config=config,
        repo=lambda wildcards: str(REPO),
        expected=EXPECTED,
        leftovers=lambda wildcards: leftover_files(RESULTS, EXPECTED),  # a change reruns the page
    log:
        log_of("write_course_page", "course"),
    script:
        machinery("page")


rule remove_leftovers:
    """`snakemake --cores 1 remove_leftovers`: remove the artefacts an earlier config made and this one does not
    (only files a job of this workflow wrote, as its record under results/logs/ says)."""
    params:
        expected=EXPECTED,
    log:
        log_of("remove_leftovers", "leftovers"),
    script:
        machinery("page")
