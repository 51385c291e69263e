"""A small report document rendered both as Markdown and as self-contained HTML (figures embedded).

Text may use ``**bold**`` and ```code``` in both renderings.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",system-ui,sans-serif;
max-width:1150px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
h1{font-size:1.6em;border-bottom:2px solid #444;padding-bottom:.2em}h2{font-size:1.25em;margin-top:1.6em;
border-bottom:1px solid #ccc}h3{font-size:1.05em}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}th,td{border:1px solid #ccc;padding:.25em .6em;
text-align:left;vertical-align:top}th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums;
white-space:nowrap}figure{margin:1em 0}figure img{max-width:100%;border:1px solid #ddd}figcaption{font-size:.9em;
color:#555}code,pre{background:#f5f5f5;padding:.1em .3em;border-radius:3px}pre{padding:.6em;overflow-x:auto}
.muted{color:#666;font-size:.9em}
"""
NUMERIC = re.compile(r"^[\s*]*[-+−±]?[\d.,]+")


def _inline_html(s: str) -> str:
    s = html.escape(str(s))
    s = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", s)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", s)


def _md_cell(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


@dataclass
class Document:
    title: str
    lang: str = "en"
    blocks: list = field(default_factory=list)

    def h(self, text: str, level: int = 2) -> None:
        self.blocks.append(("h", level, text))

    def p(self, text: str, muted: bool = False) -> None:
        self.blocks.append(("p", text, muted))

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        self.blocks.append(("table", header, rows))

    def figure(self, path: Path, caption: str) -> None:
        self.blocks.append(("figure", Path(path), caption))

    def code(self, text: str) -> None:
        self.blocks.append(("code", text))

    def markdown(self, base: Path) -> str:
        out = [f"# {self.title}", ""]
        for b in self.blocks:
            if b[0] == "h":
                out += ["#" * b[1] + " " + b[2], ""]
            elif b[0] == "p":
                out += [b[1], ""]
            elif b[0] == "table":
                out.append("| " + " | ".join(_md_cell(x) for x in b[1]) + " |")
                out.append("|" + "|".join("---:" if i and _numeric_col(b[2], i) else "---"
                                          for i in range(len(b[1]))) + "|")
                out += ["| " + " | ".join(_md_cell(x) for x in r) + " |" for r in b[2]]
                out.append("")
            elif b[0] == "figure":
                out += [f"![{b[2]}]({b[1].relative_to(base).as_posix()})", "", f"*{b[2]}*", ""]
            elif b[0] == "code":
                out += ["```sh", b[1], "```", ""]
        return "\n".join(out)

    def html(self) -> str:
        lang = "zh-CN" if self.lang == "zh" else "en"
        out = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
               f"<title>{html.escape(self.title)}</title><style>{CSS}</style></head><body>",
               f"<h1>{html.escape(self.title)}</h1>"]
        for b in self.blocks:
            if b[0] == "h":
                out.append(f"<h{b[1]}>{_inline_html(b[2])}</h{b[1]}>")
            elif b[0] == "p":
                out.append(f'<p{" class=muted" if b[2] else ""}>{_inline_html(b[1])}</p>')
            elif b[0] == "table":
                num = [i > 0 and _numeric_col(b[2], i) for i in range(len(b[2][0]) if b[2] else 0)]
                head = "" if not any(b[1]) else \
                    "<thead><tr>" + "".join(f"<th>{_inline_html(x)}</th>" for x in b[1]) + "</tr></thead>"
                out.append(f"<table>{head}<tbody>")
                for r in b[2]:
                    cells = "".join(f'<td{" class=num" if num[i] else ""}>{_inline_html(x)}</td>'
                                    for i, x in enumerate(r))
                    out.append(f"<tr>{cells}</tr>")
                out.append("</tbody></table>")
            elif b[0] == "figure":
                data = base64.b64encode(b[1].read_bytes()).decode()
                out.append(f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(b[2])}">'
                           f"<figcaption>{_inline_html(b[2])}</figcaption></figure>")
            elif b[0] == "code":
                out.append(f"<pre><code>{html.escape(b[1])}</code></pre>")
        out.append("</body></html>")
        return "\n".join(out)

    def write(self, out: Path) -> tuple[Path, Path]:
        md, ht = out / "report.md", out / "report.html"
        md.write_text(self.markdown(out), encoding="utf-8")
        ht.write_text(self.html(), encoding="utf-8")
        return md, ht


def _numeric_col(rows: list[list[str]], i: int) -> bool:
    vals = [str(r[i]) for r in rows if i < len(r) and str(r[i]).strip()]
    return bool(vals) and all(NUMERIC.match(v) for v in vals)
