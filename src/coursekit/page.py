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
:root { --fg: #222; --muted: #555; --bg: #fff; --panel: #f6f8fa; --line: #d0d7de; --accent: #4c78a8;
        --bad: #b00; --ok: #2a7a2a; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e6e6; --muted: #aaa; --bg: #15171a; --panel: #1f2328; --line: #3b4048; --accent: #7aa2d6;
          --bad: #ff7b72; --ok: #7ee787; }
  img { background: #fff; }
}
* { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; margin: 0; color: var(--fg); background: var(--bg); line-height: 1.45; }
.layout { display: grid; grid-template-columns: 17em minmax(0, 1fr); max-width: 1400px; margin: 0 auto; }
aside { position: sticky; top: 0; align-self: start; height: 100vh; overflow-y: auto; padding: 1em;
        border-right: 1px solid var(--line); font-size: 0.92em; }
aside input { width: 100%; padding: 0.4em; margin-bottom: 0.6em; color: var(--fg); background: var(--panel);
              border: 1px solid var(--line); border-radius: 4px; }
aside ol { padding-left: 1.1em; margin: 0.2em 0 0.8em; } aside a { color: var(--accent); text-decoration: none; }
aside .chapter { font-weight: bold; margin-top: 0.6em; }
main { padding: 0 1.5em 3em; min-width: 0; overflow-wrap: anywhere; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid var(--line); margin-top: 2em; }
h4, h5, h6 { margin: 1em 0 0.4em; }
a { color: var(--accent); }
figure { margin: 1em 0; } img, video { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption, .caption { font-size: 0.9em; color: var(--muted); margin: 0.3em 0 1em; }
.stale { color: var(--bad); font-weight: bold; } .ok { color: var(--ok); } .bad { color: var(--bad); font-weight: bold; }
.statement { background: var(--panel); border-left: 4px solid var(--accent); padding: 0.5em 1em; margin: 0.8em 0;
             overflow-x: auto; }
.statement code.sig { font-weight: bold; }
details.solution { margin: 0.3em 0 1em; } details.solution summary { cursor: pointer; color: var(--accent); }
.wide { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
td, th { border: 1px solid var(--line); padding: 2px 6px; vertical-align: top; overflow-wrap: normal; }
.scroll { max-height: 22em; overflow: auto; } pre { background: var(--panel); padding: 0.6em; overflow: auto; }
.term { background: #111; color: #eee; padding: 0.6em; line-height: 1.1; font-family: monospace; overflow: auto; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; align-items: start; }
.pair figure { margin: 0; }
.published { border-left: 4px solid #c49a00; padding-left: 0.8em; margin: 1em 0; }
.leftover { border: 1px dashed var(--line); padding: 0.5em 1em; }
.hidden { display: none; }
@media (max-width: 900px) {
  .layout { display: block; }
  aside { position: static; height: auto; border-right: 0; border-bottom: 1px solid var(--line); }
  aside ol { display: none; } aside .chapter { display: inline-block; margin: 0.2em 1em 0.2em 0; }
  main { padding: 0 0.8em 2em; }
  .pair { grid-template-columns: 1fr; }
}
"""
# The contents' search: each section shown or hidden as its text holds the words typed (offline, no index).
SEARCH = """
<script>
(() => {
  const box = document.getElementById("search");
  const sections = [...document.querySelectorAll("section.searchable")];
  const note = document.getElementById("found");
  box.addEventListener("input", () => {
    const words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    let shown = 0;
    for (const section of sections) {
      const text = section.textContent.toLowerCase();
      const hit = words.every(w => text.includes(w));
      section.classList.toggle("hidden", !hit);
      shown += hit;
    }
    note.textContent = words.length ? `${shown} of ${sections.length} sections` : "";
  });
})();
</script>
"""
# Shown once the page has loaded: how many images and videos the browser could display, and whether the page is
# wider than the window (checked in CI at 1280 and 390 pixels).
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
  document.body.dataset.overflow = document.documentElement.scrollWidth - window.innerWidth;
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
    return (f"<div class='scroll wide'><table><tr>{''.join(f'<th>{html.escape(h)}</th>' for h in head)}</tr>"
            f"{cells}</table></div>{note}")


def array_html(path):
    """A .npy or .npz file: structured arrays as tables, others by shape and a preview."""
    import numpy as np

    def one(name, A):
        if A.dtype.names:
            header = "".join(f"<th>{html.escape(n)}</th>" for n in A.dtype.names)
            body = "".join("<tr>" + "".join(f"<td>{html.escape(str(row[n]))}</td>" for n in A.dtype.names) + "</tr>"
                           for row in A[:50])
            return (f"<p><b>{html.escape(name)}</b>: {A.shape[0]} rows of {html.escape(str(A.dtype))}</p>"
                    f"<div class='wide scroll'><table><tr>{header}</tr>{body}</table></div>")
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
    return f"<div class='wide'><table>{cells}</table></div>"


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
    """A Markdown artefact rendered as HTML (tables and fenced code included), its paths named by ``paths``.

    Its headings are put below the page's own (its # is a fourth-level heading here), and its tables scroll
    sideways on a narrow screen instead of being cut.
    """
    out = safe_markdown(paths.shown(Path(path).read_text(encoding="utf-8")))
    out = re.sub(r"<(/?)h([1-3])>", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 3}>", out)
    return out.replace("<table>", "<div class='wide'><table>").replace("</table>", "</table></div>")


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


def statements_html(modules, exercises):
    """The modules' exercises (of ``exercises``, all the course's): each function's signature and statement (the
    students' text), then the reference solution's code, highlighted and folded as the course's "Solution" blocks
    are."""
    found = [e for e in exercises if e.module in modules]
    return "".join(f"<div class='statement'><code class='sig'>{html.escape(e.name + e.signature)}</code>"
                   f"{safe_markdown(e.statement.replace('``', '`'))}"
                   f"<details class='solution'><summary>Solution (click to expand): {html.escape(e.module)}.py, "
                   f"<code>{html.escape(e.name)}</code></summary>{solution_html(e.module, e.name)}</details></div>"
                   for e in found)


def solution_html(module, name):
    """The reference's code of one function or class (its docstring left out: the statement is above), highlighted."""
    import ast

    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    from coursekit import COURSE

    text = (COURSE / f"{module}.py").read_text(encoding="utf-8")
    node = next(n for n in ast.parse(text).body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name)
    lines = text.splitlines()[node.lineno - 1:node.end_lineno]
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        lines = lines[:first.lineno - node.lineno] + lines[first.end_lineno - node.lineno + 1:]
    return f"<div class='wide'>{highlight(chr(10).join(lines), PythonLexer(), HtmlFormatter(cssclass='highlight'))}</div>"


def code_style():
    """Pygments' colours for the solutions: its default style, and monokai where the reader's system is dark."""
    from pygments.formatters import HtmlFormatter

    light = HtmlFormatter(style="default").get_style_defs(".highlight")
    dark = HtmlFormatter(style="monokai").get_style_defs(".highlight")
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


def natural(path):
    """Sort key of a path with its numbers as numbers: rule-30 before rule-110, kitten-4 before kitten-16."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(path))]


def media_html(path, alt):
    """A published image or video, embedded."""
    kind = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".mp4": "video/mp4"}[Path(path).suffix]
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    if kind == "video/mp4":
        return f'<video controls loop muted playsinline src="data:{kind};base64,{data}"></video>'
    return f'<img alt="{html.escape(alt)}" src="data:{kind};base64,{data}">'


def comparisons(results):
    """{figure: row} of the `course` comparison (results/course/compare.csv), or {} if it has not run."""
    path = Path(results, "course", "compare.csv")
    if not path.is_file():
        return {}
    with open(path, newline="", encoding="utf-8") as f:
        return {row["figure"]: row for row in csv.DictReader(f)}


def page(results, current, config, roots=(), repo=None, expected=None):
    """The whole HTML page, from the artefacts under ``results`` and the current params of each rule.

    ``roots`` are the folders whose paths the page names relatively (the
    checkout, the working folder); the photos that config key quantize.images
    names outside them are named by their file name. ``repo`` is the checkout
    (the course's published figures are in its data/course/). ``expected``
    lists the artefacts (relative to results/) the current config makes: any
    other found there is left over from an earlier config, listed once at the
    end, not shown.
    """
    results = Path(results)
    paths = Paths(roots, files=[*config["quantize"]["images"].values(), config["records"]["data"]])
    from coursekit.students.skeletons import all_exercises

    made, status, measured = records(results), verify_status(results), comparisons(results)
    exercises = all_exercises()  # read once: every section takes its own
    expected = None if expected is None else {Path(e).as_posix().removeprefix("results/") for e in expected}
    sections = (*SECTIONS, *CHECKING)
    chapters = list(dict.fromkeys(section.chapter for section in sections))
    counts = {"stale": 0}
    leftovers = []

    def figure(path, relative):
        rule, params, _ = made.get(relative, ("?", {}, {}))
        stale = any(normalised(value) != normalised(params.get(key)) for key, value in current.get(rule, {}).items())
        counts["stale"] += stale
        verdict = status.get(relative)
        badge = ("" if verdict is None else f" <span class='{'ok' if verdict == 'ok' else 'bad'}'>"
                 f"verify: {html.escape(verdict)}</span>")
        words = paths.shown(described(params))
        caption = (f"<b>{html.escape(relative)}</b>, made by rule <code>{html.escape(rule)}</code>"
                   + (f" with {html.escape(words)}" if words else "")
                   + (". <span class='stale'>Stale: the current config would make it with other "
                      "parameters; rerun snakemake.</span>" if stale else ".") + badge)
        return f"<figure>{body_of(path, relative, paths)}<figcaption>{caption}</figcaption></figure>"

    def published(section, shown):
        out = []
        for item in section.published if repo is not None else ():
            course_file = Path(repo, item.course_file)
            if not course_file.is_file():
                continue
            row = measured.get(item.comparison) if item.comparison else None
            ours = results / item.ours if item.ours else None
            label = "as the course published it" if item.ours else "the course's photo, the exercise's input"
            theirs = (f"<figure>{media_html(course_file, item.course_file)}<figcaption><b>{label}</b>: "
                      f"{html.escape(item.course_file)}</figcaption></figure>")
            if ours is not None and ours.is_file() and (expected is None or item.ours in expected):
                shown.add(item.ours)
                pair = f"<div class='pair'>{theirs}{figure(ours, item.ours)}</div>"
            else:
                pair = theirs
            words = ("<p class='caption'>Not measured here: <code>snakemake course</code> compares the artefacts of "
                     "the default config.yaml with the course's.</p>" if item.comparison and row is None else "")
            if row:
                why = f" {html.escape(row['why'][:1].upper() + row['why'][1:])}." if row.get("why") else ""
                words = (f"<p class='caption'>Measured by <code>snakemake course</code>: {html.escape(row['check'])}:"
                         f" {html.escape(row['measured'])}, <b>{html.escape(row['status'])}</b>.{why}</p>")
            out.append(f"<div class='published'>{pair}{words}</div>")
        return "".join(out)

    body, toc = [], []
    for i, chapter in enumerate(chapters):
        body.append(f"<h2 id='c{i}'>{html.escape(chapter)}</h2>")
        toc.append(f"<div class='chapter'><a href='#c{i}'>{html.escape(chapter)}</a></div><ol>")
        for j, section in enumerate(s for s in sections if s.chapter == chapter):
            anchor = f"c{i}s{j}"
            toc.append(f"<li><a href='#{anchor}'>{html.escape(section.title)}</a></li>")
            parts = [f"<section class='searchable' id='{anchor}'><h3>{html.escape(section.title)}</h3>"]
            if section.modules:
                parts.append(statements_html(section.modules, exercises))
            shown = set()
            parts.append(published(section, shown))
            found = [path for pattern in section.artefacts for path in sorted(results.glob(pattern), key=natural)]
            if section.group:  # each photo's images together, in the order the patterns give
                names = [re.match(section.group, p.relative_to(results).as_posix()) for p in found]
                order = list(dict.fromkeys(m.group(1) if m else "" for m in names))
                found = [p for _, p in sorted(zip(names, found), key=lambda pair: order.index(
                    pair[0].group(1) if pair[0] else ""))]
            for path in found:
                relative = path.relative_to(results).as_posix()
                if relative in shown:
                    continue
                if expected is not None and relative not in expected and not relative.startswith(
                        ("verify.", "course/", "provenance.")):
                    leftovers.append(relative)
                    continue
                parts.append(figure(path, relative))
            body.append("".join(parts) + "</section>")
        toc.append("</ol>")
    if expected is not None:
        leftovers += leftover_files(results, expected)  # the arrays and tables beside the figures too
    if leftovers:
        items = "".join(f"<li><code>{html.escape(r)}</code></li>" for r in sorted(set(leftovers), key=natural))
        body.append("<h2 id='leftovers'>Left over from an earlier config</h2><div class='leftover'><p>These files are "
                    "in results/ but the current config no longer makes them, so they are not shown above. "
                    "<code>snakemake --cores 1 remove_leftovers</code> removes them (only files a job of this "
                    f"workflow wrote).</p><ul>{items}</ul></div>")
        toc.append("<div class='chapter'><a href='#leftovers'>Left over</a></div>")
    summary = f"<p class='caption'>{counts['stale']} stale artefact(s).</p>" if counts["stale"] else ""
    intro = ("<h1>Advanced NumPy, regenerated</h1><p>The \"Advanced NumPy\" course (N. P. Rougier, G-Node summer "
             "school 2018): every exercise with its statement and the reference solution, the figures the course "
             "published beside ours, and every figure, answer and table this pipeline made, seed "
             f"{html.escape(str(config['seed']))}. Each caption states the parameters the artefact was made with.</p>")
    aside = ("<aside><input id='search' type='search' placeholder='Search the course' aria-label='Search the course'>"
             f"<div id='found' class='caption'></div><nav>{''.join(toc)}</nav></aside>")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<meta name='color-scheme' content='light dark'><title>Advanced NumPy, regenerated</title>"
            f"<style>{STYLE}{code_style()}</style></head><body><div class='layout'>{aside}<main>{intro}"
            f"{''.join(body)}{summary}</main></div>{SEARCH}{CHECK}</body></html>\n")


COURSE_FOLDERS = ("intro/", "warmup/", "advanced/")  # where the course's artefacts are, under results/


def leftover_files(results, expected):
    """Files under ``results`` that a job of this workflow wrote (its record under results/logs/ says so), in the
    course's folders, that the current config no longer makes (not in ``expected``): relative to results/."""
    expected = {Path(e).as_posix().removeprefix("results/") for e in expected}
    return sorted((r for r in records(results) if r.startswith(COURSE_FOLDERS) and ".." not in Path(r).parts
                   and r not in expected and Path(results, r).is_file() and not Path(results, r).is_symlink()),
                  key=natural)


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, log, save_text

    def main():
        import os

        # no path of this machine in a page to share: the checkout's and the working folder's named relatively
        text = page("results", snakemake.params.current, snakemake.params.config,
                    roots=[snakemake.params.repo, os.getcwd()], repo=snakemake.params.repo,
                    expected=snakemake.params.expected)
        save_text(snakemake.output.html, text)

    def remove():
        gone = leftover_files("results", snakemake.params.expected)
        for relative in gone:
            Path("results", relative).unlink()
            log.info("removed results/%s (left over from an earlier config)", relative)
        log.info("%d file(s) left over from an earlier config removed", len(gone))

    entry(snakemake, main if snakemake.rule == "write_course_page" else remove)
