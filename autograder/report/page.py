"""The report's files: index.html, mistakes.csv, the figures, one side-by-side page per pair.

    write_pages(folder, assignments, similarity) -> Path of index.html (beside it: mistakes.csv,
        similar.csv, a<k>-*.svg figures, a<k>-pair<i>.html side-by-side pages)
        assignments: [data.Assignment]; similarity: {slug: Similarity}

Every string from a submission (student ids, slugs, messages, reasons, code) is escaped with
``html.escape``; in links it is percent-encoded first. Ids and file names of the report itself
are numbers, never student text. The pages load nothing: no script, no font, no remote file;
the figures are SVG files beside the page and the CSS is inline.
"""
from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from autograder.grader.outcomes import clean, component
from autograder.report import plots, similarity as sim
from autograder.report.mistakes import cell_text, csv_text, phrase

MAX_PAIRS = 30      #: flagged pairs listed on the page (all are in similar.csv)
NEAR = 5            #: closest pairs below the threshold listed for comparison
MAX_REASONS = 20    #: distinct reasons for ungradable submissions listed

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:72em;
padding:0 1em 3em;line-height:1.45;color:#1b1b1b}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:2px solid #ddd}h3{margin-top:1.5em}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .55em;
text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}
figure{margin:1em 0;max-width:480px}figure img{width:100%;height:auto}
figure.wide{max-width:none;overflow-x:auto}figure.wide img{width:auto;max-width:none}
figcaption{font-size:.9em;color:#555}
.note{background:#f6f8fa;border-left:4px solid #4878a8;padding:.5em .8em}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace}
pre{white-space:pre-wrap;word-break:break-word;background:#fafafa;border:1px solid #ddd;
padding:.6em;font-size:.85em}
mark{background:#ffd54f}
.pair{display:flex;gap:1em;flex-wrap:wrap}.pair>div{flex:1 1 24em;min-width:0}
.flag{color:#a00;font-weight:bold}
ol.messages li{margin-bottom:.5em}
"""


@dataclass
class Similarity:
    """What the similarity section of one assignment shows."""
    pairs: list = field(default_factory=list)        # [similarity.Pair] that share code, most first
    students: int = 0                                # students whose own code was compared
    note: str = ""                                   # why nothing was compared, if so


def e(value):
    """Text for HTML: lone surrogates and control characters written as escapes, then escaped."""
    return html.escape(clean(str(value)), quote=True)


def _n(x):
    return f"{float(x):.2f}".rstrip("0").rstrip(".")


def _points(x):
    return f"{_n(x)} point{'' if _n(x) == '1' else 's'}"


def _duration(seconds):
    return f"{seconds * 1000:.2g} ms" if seconds < 1 else f"{seconds:.3g} s"


def _feedback(folder, student, slug):
    """Relative link to a student's feedback page (where the grader writes it), or None."""
    if not student or not slug:
        return None
    parts = (component(student), component(slug), f"{component(slug)}.html")
    if not folder.parent.joinpath("feedback", *parts).is_file():
        return None
    return "../feedback/" + "/".join(quote(p, safe="") for p in parts)


def _student(folder, student, slug):
    link = _feedback(folder, student, slug)
    return (f"<a class='who' href='{e(link)}'>{e(student)}</a>" if link
            else f"<span class='who'>{e(student)}</span>")


def _page(title, body):
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{e(title)}</title><style>{CSS}</style></head><body>\n{body}\n</body></html>\n")


def _table(head, rows, kind=""):
    th = "".join(f"<th>{h}</th>" for h in head)
    return (f"<div class='scroll'><table class='{kind}'><tr>{th}</tr>"
            + "".join(f"<tr>{''.join(rows_)}</tr>" for rows_ in rows) + "</table></div>")


# --------------------------------------------------------------------------- sections
def _overview(a, k, folder):
    graded, bad = len(a.graded), len(a.ungradable)
    parts = [f"<p><b>{graded}</b> graded, <b>{bad}</b> ungradable"]
    if graded:
        parts.append(f"; mean <b>{_n(a.mean)}</b>, median <b>{_n(a.median)}</b> of {_n(a.max_score)} points")
    parts.append(".</p>")
    if graded:
        name = f"a{k}-scores.svg"
        plots.score_histogram(a.scores, a.max_score, folder / name)
        parts.append(f"<figure><img src='{name}' alt='Histogram of the scores of {e(a.slug)}'>"
                     f"<figcaption>Scores of the {graded} graded submissions.</figcaption></figure>")
    if a.reasons:
        parts.append("<h3>Why submissions were ungradable</h3><ul>")
        parts += [f"<li><b>{n}</b> &times; {e(reason)}</li>" for reason, n in a.reasons[:MAX_REASONS]]
        rest = a.reasons[MAX_REASONS:]
        if rest:
            parts.append(f"<li>{len(rest)} other reason(s), {sum(n for _, n in rest)} submission(s): "
                         f"see grades.csv</li>")
        parts.append("</ul>")
    return "".join(parts)


def _mistakes(a, k, folder):
    if not a.cells:
        return "<p>No graded function lost points.</p>" if a.graded else ""
    rows = [f.function for f in a.functions if any(c.function == f.function for c in a.cells)]
    index = {(c.function, c.diagnosis): i for i, c in enumerate(a.cells)}
    counts = [[a.cells[index[(f, d)]].count if (f, d) in index else 0 for d in a.diagnoses] for f in rows]
    name = f"a{k}-mistakes.svg"
    plots.mistake_heatmap(rows, a.diagnoses, counts, folder / name)
    peak = max(max(r) for r in counts)
    table_rows = []
    for f, row in zip(rows, counts):
        cells = [f"<th><code>{e(f)}</code></th>"]
        for d, n in zip(a.diagnoses, row):
            if n:
                shade = int(235 - 150 * n / peak)
                cells.append(f"<td class='n' style='background:rgb(255,{shade},{shade})'>"
                             f"<a href='#a{k}-m{index[(f, d)]}'>{n}</a></td>")
            else:
                cells.append("<td></td>")
        table_rows.append(cells)
    head = ["function"] + [e(d.replace("_", " ")) for d in a.diagnoses]
    parts = [f"<figure class='wide'><img src='{name}' alt='Mistake map of {e(a.slug)}: functions by diagnosis'>"
             "<figcaption>Students per graded function and diagnosis (a student is counted once per "
             "cell, whichever of the function's tests found it).</figcaption></figure>",
             "<p>The same map; each count links to the students concerned. Rows and columns are "
             "ordered by the points they cost the class.</p>", _table(head, table_rows, "map"),
             "<h3>Mistakes by the points they cost the class</h3><ol>"]
    for i, c in enumerate(a.cells):
        who = "student" if c.count == 1 else "students"
        people = ", ".join(_student(folder, s, a.slug) for s in c.students)
        parts.append(f"<li id='a{k}-m{i}'><b>{c.count} {who}</b> {e(phrase(c.diagnosis, c.count))} "
                     f"<code>{e(c.function)}</code> ({_points(c.points)} lost): {people}</li>")
    parts.append("</ol>")
    return "".join(parts)


def _functions(a):
    if not a.functions:
        return ""
    rows = []
    for f in a.functions:
        share = f"{100 * f.full / f.graded:.0f}% ({f.full} of {f.graded})" if f.graded else "-"
        med = _duration(f.median_seconds) if f.median_seconds is not None else "not recorded"
        slow = f"{_duration(f.slowest[0])} ({e(f.slowest[1])})" if f.slowest else "not recorded"
        rows.append([f"<td><code>{e(f.function)}</code></td>", f"<td class='n'>{share}</td>",
                     f"<td class='n'>{_n(f.lost)} of {_n(f.points * f.graded)}</td>",
                     f"<td class='n'>{med}</td>", f"<td>{slow}</td>"])
    return ("<h3>Per function</h3>" + _table(
        ["function", "full marks", "points lost", "median time of the tests", "slowest"], rows))


def _messages(a):
    if not a.messages:
        return ""
    items = [f"<li><b>{m.students} student{'' if m.students == 1 else 's'}</b>, "
             f"<code>{e(m.function)}</code>: {e(m.example)}"
             f"{' <i>(numbers vary)</i>' if m.varies else ''}</li>" for m in a.messages]
    return ("<h3>Feedback messages shown most often</h3><p>Counted once per student; messages that "
            "differ only in their numbers count as one (one of them is shown).</p>"
            f"<ol class='messages'>{''.join(items)}</ol>")


def _similarity(a, k, folder, s):
    parts = ["<h3>Similar code</h3>",
             f"<p class='note'>Compared: each student's own code, i.e. their code cells less every "
             f"line of the released notebook, with the release's fingerprints ignored as well. "
             f"The detector (copydetect, winnowing fingerprints) normalises names, strings and "
             f"spacing, so renamed variables and reordered functions still match. A pair is flagged "
             f"when the two share at least <b>{sim.MIN_MATCHED}</b> characters of normalised code "
             f"(a line of code is about 10) <b>and</b> that is at least "
             f"<b>{100 * sim.MIN_SHARE:.0f}%</b> of one student's own code. The amount of matched "
             f"code weighs as much as the share: identical correct answers to a three-line "
             f"function are alike by necessity and are not evidence. A flag is a reason to look, "
             f"not a finding.</p>"]
    if s is None or s.note:
        parts.append(f"<p>{e(s.note if s else 'No code was compared.')}</p>")
        return "".join(parts)
    flagged = [p for p in s.pairs if p.flagged]
    near = [p for p in s.pairs if not p.flagged][:NEAR]
    shown = flagged[:MAX_PAIRS]
    parts.append(f"<p>{s.students} students' own code compared: <b>{len(flagged)}</b> pair(s) "
                 f"flagged. Every pair that shares code is listed in <a href='similar.csv'>similar.csv</a>.</p>")
    groups = sim.groups(flagged)
    if groups:
        parts.append("<p>Students linked by flagged pairs (a chain of pairs links a group):</p><ul>")
        parts += [f"<li><b>{len(g)}</b>: {', '.join(_student(folder, x, a.slug) for x in g)}</li>"
                  for g in groups]
        parts.append("</ul>")
    rows = []
    for i, p in enumerate(shown + near):
        name = f"a{k}-pair{i}.html"
        (folder / name).write_text(_pair_page(a.slug, p), encoding="utf-8")
        mark = "<span class='flag'>flagged</span>" if p.flagged else "below threshold"
        rows.append([f"<td>{e(p.a)}</td>", f"<td>{e(p.b)}</td>", f"<td class='n'>{p.matched}</td>",
                     f"<td class='n'>{100 * p.share_a:.0f}% / {100 * p.share_b:.0f}%</td>",
                     f"<td>{mark}</td>", f"<td><a href='{name}'>side by side</a></td>"])
    if rows:
        what = (f"the {len(shown)} flagged pair(s) that share the most code" if len(shown) < len(flagged)
                else "the flagged pairs") + (f", then the {len(near)} closest pair(s) below the "
                                             f"threshold for comparison" if near else "")
        parts.append(f"<p>Below: {what}.</p>")
        parts.append(_table(["student", "student", "matched characters", "share of each one's code",
                             "", "view"], rows))
    return "".join(parts)


def similar_csv(similarity):
    """Every pair that shares code: assignment, the two students, matched characters, the two
    shares, flagged."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(("assignment", "student_a", "student_b", "matched", "share_a", "share_b", "flagged"))
    for slug, s in sorted(similarity.items()):
        for p in s.pairs:
            writer.writerow([cell_text(slug), cell_text(p.a), cell_text(p.b), p.matched,
                             f"{p.share_a:.3f}", f"{p.share_b:.3f}", "yes" if p.flagged else "no"])
    return buf.getvalue()


def _highlight(code, ranges):
    """Escaped code with the matched character ranges inside <mark>."""
    out, pos = [], 0
    for start, end in sorted(ranges):
        start, end = max(start, pos), min(end, len(code))
        if end <= start:
            continue
        out += [e(code[pos:start]), "<mark>", e(code[start:end]), "</mark>"]
        pos = end
    out.append(e(code[pos:]))
    return "".join(out)


def _pair_page(slug, p):
    body = (f"<p><a href='index.html'>&larr; class report</a></p>"
            f"<h1>{e(slug)}: {e(p.a)} and {e(p.b)}</h1>"
            f"<p>{p.matched} characters of normalised code match; that is {100 * p.share_a:.0f}% of "
            f"{e(p.a)}'s own code and {100 * p.share_b:.0f}% of {e(p.b)}'s. Highlighted: the matching "
            f"regions (names may differ: they are compared normalised). Lines of the released "
            f"notebook are not shown.</p>"
            f"<div class='pair'><div><h2>{e(p.a)}</h2><pre>{_highlight(p.code_a, p.slices_a)}</pre></div>"
            f"<div><h2>{e(p.b)}</h2><pre>{_highlight(p.code_b, p.slices_b)}</pre></div></div>")
    return _page(f"{slug}: {p.a} and {p.b}", body)


# --------------------------------------------------------------------------- the page
def write_pages(folder, assignments, similarity):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mistakes.csv").write_text(csv_text(assignments), encoding="utf-8")
    (folder / "similar.csv").write_text(similar_csv(similarity), encoding="utf-8")
    total = sum(len(a.graded) + len(a.ungradable) for a in assignments)
    body = ["<h1>Class report</h1>",
            f"<p>{total} outcome record(s), {len(assignments)} assignment(s). The mistake map as a "
            f"table: <a href='mistakes.csv'>mistakes.csv</a>.</p>"]
    if assignments:
        body.append("<ul>" + "".join(f"<li><a href='#a{k}'>{e(a.slug or '(no assignment)')}</a>: "
                                     f"{len(a.graded)} graded, {len(a.ungradable)} ungradable</li>"
                                     for k, a in enumerate(assignments)) + "</ul>")
    for k, a in enumerate(assignments):
        body += [f"<h2 id='a{k}'>{e(a.slug or '(no assignment)')}</h2>", _overview(a, k, folder)]
        if a.graded:
            body += ["<h3>Mistake map</h3>", _mistakes(a, k, folder), _functions(a), _messages(a),
                     _similarity(a, k, folder, similarity.get(a.slug))]
    index = folder / "index.html"
    index.write_text(_page("Class report", "\n".join(body)), encoding="utf-8")
    return index
