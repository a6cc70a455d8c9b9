"""The course as one page to share: results/course.html, every artefact inline, self-contained.

Chapters in the course's order; for each exercise its statement (the text
students get in their skeletons), then its artefacts: figures and the video
embedded, Markdown rendered, CSV and JSON as tables, the terminal's colours
of tools.txt as coloured cells, each with a caption that states the
parameters the job that made it recorded (results/logs/<rule>/*.params.json),
marked **stale** where the current config would give other ones, and its
verify status. No file is linked, nothing is loaded from the network, and no
path of the machine that made it appears: one file to send or put online.

Every text the page did not write itself (data, config values, paths, logs,
dtypes) is escaped: Markdown artefacts are rendered with raw HTML turned into
text, then sanitised (nh3); paths are named relative to the checkout or the
working folder, or by their file name, as each text is read, never by editing
the finished page.
"""

import base64
import csv
import html
import json
import re
from pathlib import Path

from coursekit.contents import SECTIONS, Section

# After the course's sections (coursekit.contents): how the artefacts were checked and made.
CHECKING = (Section("Checking it", "Against the references", (), ("verify.md",)),
            Section("Checking it", "Against the course as published", (), ("course/compare.md",)),
            Section("Checking it", "How it was made", (), ("provenance.json",)))
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #ddd; margin-top: 2em; }
nav a { margin-right: 1em; } figure { margin: 1em 0; } img, video { max-width: 100%; border: 1px solid #eee; }
figcaption, .caption { font-size: 0.9em; color: #444; margin: 0.3em 0 1em; }
.stale { color: #b00; font-weight: bold; } .ok { color: #2a7a2a; } .bad { color: #b00; font-weight: bold; }
.statement { background: #f6f8fa; border-left: 4px solid #4c78a8; padding: 0.5em 1em; margin: 0.8em 0; }
.statement code.sig { font-weight: bold; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; } td, th { border: 1px solid #ccc; padding: 2px 6px; }
.scroll { max-height: 22em; overflow: auto; } pre { background: #f6f8fa; padding: 0.6em; overflow: auto; }
.term { background: #111; color: #eee; padding: 0.6em; line-height: 1.1; font-family: monospace; overflow: auto; }
"""
# Shown once the page has loaded: how many images and videos the browser could display (checked in CI).
CHECK = """
<script>
window.addEventListener("load", async () => {
  const images = [...document.images];
  const videos = [...document.querySelectorAll("video")];
  await Promise.all(videos.map(v => v.readyState >= 1 ? null : new Promise(done => {
    v.addEventListener("loadedmetadata", done); v.addEventListener("error", done); setTimeout(done, 4000); })));
  document.body.dataset.images = images.length;
  document.body.dataset.imagesShown = images.filter(i => i.complete && i.naturalWidth > 0).length;
  document.body.dataset.videos = videos.length;
  document.body.dataset.videosShown = videos.filter(v => v.readyState >= 1 && v.duration > 0).length;
});
</script>
"""


def ansi_to_html(text):
    """Text with 256-colour background escapes (tools.imshow) as HTML: each coloured cell a span of its colour."""
    from coursekit import use_course

    use_course()
    from tools import xterm_palette

    palette = xterm_palette()
    out, colour = [], None
    for part in re.split(r"(\x1b\[[0-9;]*m)", text):
        match = re.fullmatch(r"\x1b\[48;5;(\d+)m", part)
        if match:
            colour = palette[int(match.group(1))]
        elif part == "\x1b[0m":
            colour = None
        elif part:
            escaped = html.escape(part)
            out.append(f'<span style="background:#{colour[0]:02x}{colour[1]:02x}{colour[2]:02x}">{escaped}</span>'
                       if colour is not None else escaped)
    return "".join(out)


def csv_table(path, paths, limit=12):
    """A CSV file as an HTML table (the first and last rows of a long one, in a scrolling box)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = [[paths.shown(cell) for cell in row] for row in csv.reader(f)]
    head, body = rows[0], rows[1:]
    shown = body if len(body) <= 2 * limit else body[:limit] + [["..."] * len(head)] + body[-limit:]
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in shown)
    note = f"<p class='caption'>{len(body)} rows; the first and last {limit} shown.</p>" if len(body) > 2 * limit else ""
    return (f"<div class='scroll'><table><tr>{''.join(f'<th>{html.escape(h)}</th>' for h in head)}</tr>{cells}"
            f"</table></div>{note}")


def array_html(path):
    """A .npy or .npz file: structured arrays as tables, others by shape and a preview."""
    import numpy as np

    def one(name, A):
        if A.dtype.names:
            header = "".join(f"<th>{html.escape(n)}</th>" for n in A.dtype.names)
            body = "".join("<tr>" + "".join(f"<td>{html.escape(str(row[n]))}</td>" for n in A.dtype.names) + "</tr>"
                           for row in A[:50])
            return (f"<p><b>{html.escape(name)}</b>: {A.shape[0]} rows of {html.escape(str(A.dtype))}</p>"
                    f"<table><tr>{header}</tr>{body}</table>")
        preview = np.array2string(A, threshold=40, edgeitems=4, max_line_width=110)
        return (f"<p><b>{html.escape(name)}</b>: shape {A.shape}, {html.escape(str(A.dtype))}</p>"
                f"<pre>{html.escape(preview)}</pre>")

    if str(path).endswith(".npz"):
        with np.load(path, allow_pickle=False) as archive:
            return "".join(one(name, archive[name]) for name in archive.files)
    return one(Path(path).name, np.load(path, allow_pickle=False))


def provenance_html(path, paths):
    """provenance.json as a table: Python, platform, commit, config hash, then every package's version."""
    data = json.loads(paths.shown(Path(path).read_text(encoding="utf-8")))
    rows = [("Python", data.get("python", "")), ("platform", data.get("platform", "")),
            ("commit", data.get("git_commit", "")), ("config SHA-256", data.get("config_sha256", ""))]
    rows += sorted(data.get("packages", {}).items())
    cells = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def safe_markdown(text):
    """Markdown as HTML in which nothing runs: raw HTML shown as text, then the result sanitised.

    Python-Markdown passes raw HTML through; its two raw-HTML readers are
    removed (as its release notes advise in place of the old safe mode), so
    ``<script>`` in a lemma or a config value is shown, not run. nh3 (the
    Ammonia sanitiser) then drops whatever could still run: ``javascript:``
    links, event attributes.
    """
    import markdown
    import nh3

    md = markdown.Markdown(extensions=["tables", "fenced_code"])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return nh3.clean(md.convert(text), url_schemes={"http", "https", "mailto"})


def markdown_html(path, paths):
    """A Markdown artefact rendered as HTML (tables and fenced code included), its paths named by ``paths``."""
    return safe_markdown(paths.shown(Path(path).read_text(encoding="utf-8")))


class Paths:
    """How the page names the machine's paths: relative to the checkout or working folder, else by file name.

    ``roots`` are folders (the checkout, the working folder); ``files`` are
    absolute paths outside them that the config names (a photo of the
    user's). :meth:`shown` rewrites them in a text as it is read: a root is
    matched only where a path starts (not inside a word, a tag or another
    path) and only before a ``/`` or the path's end, so a checkout at ``/c``
    leaves ``</code>`` and ``/cat`` alone.
    """

    def __init__(self, roots=(), files=()):
        import os

        self.roots = sorted({str(r).rstrip("/") for r in roots if str(r).strip("/")}, key=len, reverse=True)
        self.files = sorted({str(f) for f in files if os.path.isabs(str(f))
                             and not any(str(f).startswith(root + "/") for root in self.roots)}, key=len, reverse=True)

    def shown(self, text):
        """``text`` with every path under a root made relative to it, and every outside file named by its name."""
        start, end = r"(?<![\w.~/-])", r"(?![\w.~-])"
        for file in self.files:
            text = re.sub(start + re.escape(file) + end, lambda match, name=Path(file).name: name, text)
        for root in self.roots:
            text = re.sub(start + re.escape(root) + r"/", "", text)
            text = re.sub(start + re.escape(root) + r"(?![\w.~/-])", ".", text)
        return text


def body_of(path, relative, paths):
    """An artefact as HTML that shows it inline: images and video embedded, text rendered, tables as tables."""
    suffix = Path(relative).suffix
    if suffix == ".png":
        data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
        return f'<img alt="{html.escape(relative)}" src="data:image/png;base64,{data}">'
    if suffix == ".mp4":
        data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
        return f'<video controls loop muted playsinline src="data:video/mp4;base64,{data}"></video>'
    if suffix == ".md":
        return markdown_html(path, paths)
    if suffix == ".csv":
        return csv_table(path, paths)
    if suffix in (".npy", ".npz"):
        return array_html(path)
    if suffix == ".json":
        return provenance_html(path, paths)
    text = paths.shown(Path(path).read_text(encoding="utf-8"))
    return f"<pre class='term'>{ansi_to_html(text)}</pre>" if "\x1b[" in text else f"<pre>{html.escape(text)}</pre>"


def records(results):
    """What each job recorded: {output path relative to results/: (rule, params)}."""
    found = {}
    for path in sorted(Path(results, "logs").rglob("*.params.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        for output in record["outputs"]:
            relative = Path(output).as_posix().removeprefix("results/")
            found[relative] = (record["rule"], record["params"], record.get("wildcards", {}))
    return found


def described(params):
    """A job's params in words, for a caption: 'n = 1000; seed = 2018'. The installed versions are named apart."""
    def words(value):
        if isinstance(value, dict):
            return ", ".join(f"{k} = {words(v)}" for k, v in value.items())
        return str(value)

    shown = {k: v for k, v in params.items()
             if v is not None and k not in ("versions", "config", "repo", "references", "cache", "current", "private")}
    return "; ".join(f"{k}: {words(v)}" if isinstance(v, dict) else f"{k} = {words(v)}" for k, v in shown.items())


def normalised(value):
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def verify_status(results):
    """{artefact: status} from verify.csv (written beside verify.md by compare_with_references)."""
    from coursekit.references.verify import statuses

    return {row["artefact"]: row["status"] for row in statuses(Path(results, "verify.csv"))}


def statements_html(modules):
    """The modules' exercises: each function's signature and its statement (the students' text), rendered."""
    from coursekit.students import skeletons as exercises

    found = [e for e in exercises.all_exercises() if e.module in modules]
    return "".join(f"<div class='statement'><code class='sig'>{html.escape(e.name + e.signature)}</code>"
                   f"{safe_markdown(e.statement.replace('``', '`'))}</div>" for e in found)


def page(results, current, config, roots=()):
    """The whole HTML page, from the artefacts under ``results`` and the current params of each rule.

    ``roots`` are the folders whose paths the page names relatively (the
    checkout, the working folder); the photos that config key quantize.images
    names outside them are named by their file name.
    """
    results = Path(results)
    paths = Paths(roots, files=[*config["quantize"]["images"].values(), config["records"]["data"]])
    made, status = records(results), verify_status(results)
    sections = (*SECTIONS, *CHECKING)
    chapters = list(dict.fromkeys(section.chapter for section in sections))
    parts = [f"<h1>Advanced NumPy, regenerated</h1><p>The \"Advanced NumPy\" course (N. P. Rougier, G-Node summer "
             f"school 2018): every exercise with its statement, and every figure, answer and table this pipeline made "
             f"from it, seed {config['seed']}. Each caption states the parameters the artefact was made with.</p>",
             "<nav>" + "".join(f"<a href='#c{i}'>{html.escape(c)}</a>" for i, c in enumerate(chapters)) + "</nav>"]
    stale_count = 0
    for i, chapter in enumerate(chapters):
        parts.append(f"<h2 id='c{i}'>{html.escape(chapter)}</h2>")
        for section in (s for s in sections if s.chapter == chapter):
            parts.append(f"<h3>{html.escape(section.title)}</h3>")
            if section.modules:
                parts.append(statements_html(section.modules))
            for pattern in section.artefacts:
                for path in sorted(results.glob(pattern)):
                    relative = path.relative_to(results).as_posix()
                    rule, params, _ = made.get(relative, ("?", {}, {}))
                    stale = any(normalised(value) != normalised(params.get(key))
                                for key, value in current.get(rule, {}).items())
                    stale_count += stale
                    verdict = status.get(relative)
                    badge = ("" if verdict is None else f" <span class='{'ok' if verdict == 'ok' else 'bad'}'>"
                             f"verify: {html.escape(verdict)}</span>")
                    words = paths.shown(described(params))
                    caption = (f"<b>{html.escape(relative)}</b>, made by rule <code>{html.escape(rule)}</code>"
                               + (f" with {html.escape(words)}" if words else "")
                               + (". <span class='stale'>Stale: the current config would make it with other "
                                  "parameters; rerun snakemake.</span>" if stale else ".") + badge)
                    parts.append(f"<figure>{body_of(path, relative, paths)}<figcaption>{caption}</figcaption>"
                                 "</figure>")
    summary = f"<p class='caption'>{stale_count} stale artefact(s).</p>" if stale_count else ""
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Advanced NumPy, regenerated</title>"
            f"<style>{STYLE}</style></head><body>{''.join(parts)}{summary}{CHECK}</body></html>\n")


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, save_text

    def main():
        import os

        # no path of this machine in a page to share: the checkout's and the working folder's named relatively
        text = page("results", snakemake.params.current, snakemake.params.config,
                    roots=[snakemake.params.repo, os.getcwd()])
        save_text(snakemake.output.html, text)

    entry(snakemake, main)
