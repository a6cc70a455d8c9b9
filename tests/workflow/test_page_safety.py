"""Text from data, config and paths reaches results/course.html as text: opened in Chromium, nothing runs."""

import re
import shutil

import pytest

from conftest import ROOT, chromium_dom, small_config, snakemake
from coursekit import page

pytestmark = pytest.mark.workflow

# Runs where it lands: sets data-pwned on <body>, which the test reads back from the DOM.
PAYLOAD = "<img src=x onerror=document.body.dataset.pwned=1>"


def test_lemmas_config_strings_and_image_paths_are_shown_not_run(tmp_path):
    """Three routes that ran a script (issue 24): lemmas of data.txt that answers.md prints outside code spans,
    a config string that verify.md's 'config changes' line prints, an image path; and a dtype in a caption."""
    data = tmp_path / "data.txt"
    lemmas = ["<script>", "</script>", "<i>x</i>", "<b>", "</b>", "<a>"]
    data.write_text("% rank lemma frequency dispersion\n"
                    + "".join(f"{i + 1} {w} {100 - i} 0.5\n" for i, w in enumerate(lemmas)))
    folder = tmp_path / f"photos {PAYLOAD}"
    folder.mkdir()
    photo = folder / f"cat{PAYLOAD}.jpg"
    shutil.copy(ROOT / "data/chelsea.jpg", photo)
    config = small_config(records={"data": str(data)}, quantize={"images": {"cat": str(photo)}, "colors": [3]})
    config["solutions"] = f"answers {PAYLOAD}"
    workdir = tmp_path / "run"
    snakemake(workdir, config, "results/course.html")
    html = (workdir / "results/course.html").read_text()
    dom = chromium_dom(workdir / "results/course.html", tmp_path / "chromium-profile")
    body = re.search(r"<body([^>]*)>", dom).group(1)
    assert "data-pwned" not in body and "data-images-shown" in body  # the page's own script ran, no other
    own = page.SEARCH.count("<script") + page.CHECK.count("<script")  # the page's own scripts, and no other
    assert len(re.findall(r"<script\b", dom)) == own and not re.search(r"<[a-z]+[^>]*\bonerror=", dom)
    assert "&lt;script&gt;, &lt;/script&gt;, &lt;i&gt;x&lt;/i&gt;" in dom  # the words, shown as words
    assert "answers &lt;img src=x onerror=document.body.dataset.pwned=1&gt;" in dom  # the config string
    # the photo outside the checkout by its file name only, never its folder (no path of this machine)
    assert "cat&lt;img src=x onerror=document.body.dataset.pwned=1&gt;.jpg" in dom
    assert str(tmp_path) not in html and "photos " not in html
    assert "rows of [('rank', '&lt;i8')" in dom  # a structured dtype, '<i8' included
