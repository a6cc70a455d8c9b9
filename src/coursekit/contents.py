"""The course's table of contents: its chapters and exercises in the course's order, and what each shows.

One list, read by the skeletons (the order of the students' files and of the
check) and by the page (its sections, the statements in each, the artefacts
under them). A section may hold several modules: the warmup's short
exercises share one page of answers. A module added to the course declares
its own section (``EXERCISE``, see modules.py): it is placed after the module
it names.
"""

from dataclasses import dataclass

from coursekit.modules import declared

__all__ = ["Published", "Section", "SECTIONS", "ORDER", "PUBLISHED", "position", "with_declared"]


@dataclass(frozen=True)
class Published:
    """A figure the course published (in data/course/), the row of the `course` comparison that measures ours
    against it (None: not compared), and our artefact it shows (under results/; None: the course's input)."""

    course_file: str
    comparison: str | None
    ours: str | None


@dataclass(frozen=True)
class Section:
    """One section of the course: its chapter, its title, its modules (in order), its artefacts (globs under
    results/) and the figures the course published for it."""

    chapter: str
    title: str
    modules: tuple
    artefacts: tuple
    published: tuple = ()
    group: str = ""  # a regex whose first group names what artefacts belong together (a photo's images)


LISTED = (
    Section("❶ Introduction", "A random walk", ("random_walk",),
            ("intro/random_walk.png", "intro/random_walk-timings.csv")),
    Section("❶ Introduction", "Finding a subsequence", ("subsequence",),
            ("intro/subsequence-timings.csv", "intro/subsequence.npy")),
    Section("❷ Warmup", "Useful tools", ("tools",), ("warmup/tools.txt", "warmup/tools-imshow.png", "sysinfo.txt"),
            (Published("data/course/imshow.png", None, "warmup/tools-imshow.png"),)),
    Section("❷ Warmup", "Basic manipulation, NaN arithmetics, strides, repeat, reordering",
            ("basic_manipulation", "nan_arithmetics", "strides", "repeat", "reorder"), ("warmup/answers.md",)),
    Section("❷ Warmup", "Heat equation", ("diffusion",), ("warmup/diffusion.png",),
            (Published("data/course/diffusion.png", "heat equation", "warmup/diffusion.png"),)),
    Section("❷ Warmup", "Rule 30", ("automata",), ("warmup/automata/rule-*.png", "warmup/automata/gallery.png"),
            (Published("data/course/automata.png", "Rule 30", "warmup/automata/rule-30.png"),)),
    Section("❷ Warmup", "Input / Output", ("records",), ("warmup/sorted.npz",)),
    Section("❸ Advanced", "Geometry", ("geometry",), ("advanced/geometry.png",),
            (Published("data/course/geometry.png", "geometry", "advanced/geometry.png"),)),
    Section("❸ Advanced", "Colour quantization", ("quantize",),
            ("advanced/quantize/*-published-*.png", "advanced/quantize/*-frequent-*.png",
             "advanced/quantize/*-kmeans-*[0-9].png", "advanced/quantize/*-palette.png"),
            (Published("data/course/kitten.jpg", None, None),
             Published("data/course/kitten-dithered.jpg", "kitten, naive as published",
                       "advanced/quantize/kitten-published-16.png"),
             Published("data/course/kitten-dithered.jpg", "kitten, naive as intended",
                       "advanced/quantize/kitten-frequent-16.png"),
             Published("data/course/kitten-quantized.jpg", "kitten, k-means", "advanced/quantize/kitten-kmeans-16.png")),
            r"advanced/quantize/(.+)-(?:published|frequent|kmeans)-\d+"),
    Section("❸ Advanced", "The perceptron", ("perceptron",),
            ("advanced/perceptron/perceptron.mp4", "advanced/perceptron/perceptron.png",
             "advanced/perceptron/log.csv"),
            (Published("data/course/perceptron.mp4", "perceptron", "advanced/perceptron/perceptron.mp4"),)),
)


def with_declared(sections, found):
    """The sections, and after them those that modules declare (``EXERCISE``, see modules.py), each placed after
    the section of the module it names in ``after`` (at the end of its chapter if that module is not found)."""
    sections = list(sections)
    for declaration in found:
        if any(declaration.module in section.modules for section in sections):
            continue
        place = next((i + 1 for i, section in enumerate(sections) if declaration.after in section.modules),
                     max((i + 1 for i, s in enumerate(sections) if s.chapter == declaration.chapter),
                         default=len(sections)))
        sections.insert(place, Section(declaration.chapter, declaration.title, (declaration.module,),
                                       (f"{declaration.artefact}.png",)))
    return tuple(sections)


SECTIONS = with_declared(LISTED, declared())  # the course's sections, and those its modules declare
ORDER = tuple(module for section in SECTIONS for module in section.modules)  # the course's modules, in order


def position(module):
    """Where ``module`` comes in the course (a module not in it comes after all of them, by name)."""
    return (ORDER.index(module), module) if module in ORDER else (len(ORDER), module)


PUBLISHED = tuple(dict.fromkeys(p.course_file for section in SECTIONS for p in section.published))  # data/course/
