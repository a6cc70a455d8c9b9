"""The page escapes what it did not write and names paths without editing the finished page."""

import base64
import re

import numpy as np
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

from coursekit import page
from coursekit.core import save_npz


def test_safe_markdown_shows_raw_html_as_text():
    out = page.safe_markdown("Words: <script>alert(1)</script>, <img src=x onerror=alert(2)>, <i>x</i>\n")
    assert "<script" not in out and "<img" not in out and "<i>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "&lt;i&gt;x&lt;/i&gt;" in out


def test_safe_markdown_drops_javascript_links_and_keeps_markdown():
    out = page.safe_markdown("[click](javascript:alert(1)) and `code <b>` and **bold**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "javascript:" not in out
    assert "<code>code &lt;b&gt;</code>" in out and "<strong>bold</strong>" in out and "<td>1</td>" in out


def test_paths_relative_to_roots_and_outside_files_by_name():
    paths = page.Paths(roots=["/c", "/home/u/run"], files=["/home/u/photos/my cat.jpg", "/c/data/kitten.jpg"])
    text = "`/c/data/x.txt` and /c and </code> and /cat and /c2/y and (/home/u/photos/my cat.jpg) /home/u/run/results/a"
    assert paths.shown(text) == ("`data/x.txt` and . and </code> and /cat and /c2/y and (my cat.jpg) results/a")


def test_page_at_a_short_checkout_path_keeps_images_and_tags_intact(tmp_path):
    """A checkout at /c: the old page replaced '/c' across the finished page and broke every image and </code>."""
    results = tmp_path / "results"
    (results / "warmup").mkdir(parents=True)
    png = base64.b64decode("ab/cd/c/" * 64)  # bytes whose base64 holds "/c", as real images do
    assert "/c" in base64.b64encode(png).decode()
    (results / "warmup/diffusion.png").write_bytes(png)
    (results / "verify.md").write_text("# Verification\n\nrestore it with `git checkout -- /c/workflow/references/x`"
                                       " and `a` `b` `c`\n")
    data = np.array([(1, "<b>x</b>", 3, 0.5)], dtype=[("rank", "<i8"), ("lemma", "U10"), ("frequency", "<i8"),
                                                       ("dispersion", "<f8")])
    save_npz(results / "warmup/sorted.npz", data=data, sorted=data)
    config = {"seed": 1, "quantize": {"images": {"kitten": "data/kitten.jpg"}}, "records": {"data": "data/d.txt"}}
    text = page.page(results, {}, config, roots=["/c"])
    shown = re.search(r'src="data:image/png;base64,([^"]+)"', text).group(1)
    assert base64.b64decode(shown) == png
    assert "git checkout -- workflow/references/x" in text
    assert len(re.findall(r"<code[ >]", text)) == text.count("</code>") > 0
    # the structured dtype, '<i8' included, is text, not a tag; the lemma's tags too
    assert "rows of [(&#x27;rank&#x27;, &#x27;&lt;i8&#x27;)" in text and "&lt;b&gt;x&lt;/b&gt;" in text


def test_every_exercise_statement_is_on_the_page_in_the_course_order(tmp_path):
    """One list (coursekit.contents) for the skeletons and the page: strides, tiled, strided, element_numpy and
    element_struct had statements but no place on the page."""
    from coursekit.contents import ORDER
    from coursekit.students.skeletons import all_exercises

    config = {"seed": 1, "quantize": {"images": {}}, "records": {"data": "data/d.txt"}}
    text = page.page(tmp_path, {}, config)
    exercises = all_exercises()
    assert {e.module for e in exercises} <= set(ORDER)  # every module with exercises has its place
    places = [text.index(f"<code class='sig'>{e.name}(") for e in exercises]
    assert places == sorted(places) and len(places) > 30


def small_results(tmp_path, names):
    """A results folder with a PNG (any bytes) at each name, each recorded as made by a job of ours."""
    import json

    results = tmp_path / "results"
    for name in names:
        (results / name).parent.mkdir(parents=True, exist_ok=True)
        (results / name).write_bytes(b"\x89PNG" + name.encode())
    (results / "logs/some_rule").mkdir(parents=True)
    (results / "logs/some_rule/x.params.json").write_text(json.dumps(
        {"rule": "some_rule", "outputs": [f"results/{n}" for n in names], "params": {}, "wildcards": {}}))
    return results


CONFIG = {"seed": 1, "quantize": {"images": {}}, "records": {"data": "data/d.txt"}}


def test_configured_lists_in_numeric_order(tmp_path):
    """Rules [30, 90, 110] showed as 110, 30, 90 (sorted as text)."""
    names = ["warmup/automata/rule-110.png", "warmup/automata/rule-30.png", "warmup/automata/rule-90.png"]
    text = page.page(small_results(tmp_path, names), {}, CONFIG)
    places = [text.index(f"<b>warmup/automata/rule-{n}.png</b>") for n in (30, 90, 110)]
    assert places == sorted(places)


def test_leftovers_are_listed_once_not_shown_and_removed_only_if_ours(tmp_path):
    names = ["warmup/automata/rule-30.png", "warmup/automata/rule-90.png"]
    results = small_results(tmp_path, names)
    (results / "warmup/automata/rule-7.png").write_bytes(b"a file of the user's, in no record")
    text = page.page(results, {}, CONFIG, expected=["results/warmup/automata/rule-30.png"])
    assert "<b>warmup/automata/rule-90.png</b>" not in text and "<b>warmup/automata/rule-30.png</b>" in text
    assert text.count("<code>warmup/automata/rule-90.png</code>") == 1 and "remove_leftovers" in text
    assert page.leftover_files(results, ["results/warmup/automata/rule-30.png"]) == ["warmup/automata/rule-90.png"]


def test_each_exercise_shows_the_reference_solution_folded_without_its_docstring(tmp_path):
    text = page.page(tmp_path, {}, CONFIG)
    start = text.index("Solution (click to expand): random_walk.py, <code>random_walk_fastest</code>")
    solution = re.sub(r"<[^>]+>", "", text[start:text.index("</details>", start)])
    assert "cumsum" in solution and "def random_walk_fastest" in solution.replace("&#39;", "'")
    assert "Exercise" not in solution and "running sum" not in solution  # the statement is above, not repeated
    assert text.count("<details class='solution'>") == len(re.findall(r"<code class='sig'>", text))


def test_a_published_figure_is_shown_beside_ours_with_what_was_measured(tmp_path):
    import csv

    results = small_results(tmp_path, ["warmup/diffusion.png"])
    (results / "course").mkdir()
    with open(results / "course/compare.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["figure", "check", "measured", "status", "why"])
        writer.writerow(["heat equation", "values read back through viridis", "max difference 0.0076", "same", ""])
    text = page.page(results, {}, CONFIG, repo=ROOT)
    pair = text[text.index("<div class='published'><div class='pair'>"):]
    pair = pair[:pair.index("</figure></div>")]
    assert "data/course/diffusion.png" in pair and "<b>warmup/diffusion.png</b>" in pair
    assert "values read back through viridis: max difference 0.0076, <b>same</b>" in text
    assert text.count("<b>warmup/diffusion.png</b>") == 1  # ours once, beside the course's


def test_the_page_has_contents_search_a_phone_viewport_and_a_dark_theme(tmp_path):
    text = page.page(tmp_path, {}, CONFIG)
    assert "<input id='search' type='search'" in text and "section.classList.toggle(\"hidden\"" in text
    assert "name='viewport' content='width=device-width, initial-scale=1'" in text
    assert "@media (prefers-color-scheme: dark)" in text and "<aside>" in text
    assert text.count("<section class='searchable'") == len(re.findall(r"<li><a href='#c\d+s\d+'>", text))


def test_each_photos_images_together(tmp_path):
    """A second photo's images were interleaved by method with the kitten's."""
    names = [f"advanced/quantize/{photo}-{method}-4.png" for photo in ("kitten", "coffee")
             for method in ("published", "frequent", "kmeans")]
    text = page.page(small_results(tmp_path, names), {}, CONFIG)
    shown = re.findall(r"<b>advanced/quantize/([a-z]+)-([a-z]+)-4\.png</b>", text)
    photos = [photo for photo, _ in shown]
    assert photos in (["coffee"] * 3 + ["kitten"] * 3, ["kitten"] * 3 + ["coffee"] * 3), shown
    assert [method for _, method in shown][:3] == ["published", "frequent", "kmeans"]
