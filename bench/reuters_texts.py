"""Unseen newswire for the quotation bench: the 70 Reuters-21578 stories that Debian's r-cran-tm
package carries (texts/crude: 20 oil stories, texts/acq: 50 takeover stories, March 1987).

Nobody here had read them before issue 12's second round; they are real agency copy, full of
"the company said", "a spokesman said", "it said" and officials named once and then described,
which is where our speakers went wrong on unseen news. The texts are never copied into the
repository: the gold file (bench/quote_gold_reuters.jsonl) holds offsets and a few words at
each end, and this module rebuilds each text from the package's XML the same way every time.

Reuters-21578 may be distributed for research purposes (its README); r-cran-tm is GPL. Getting
the files, without installing R:

    apt-get download r-cran-tm
    dpkg-deb -x r-cran-tm_*.deb ~/.cache/goldspan-bench/r-cran-tm

or ``apt-get install r-cran-tm``, or point GOLDSPAN_REUTERS_DIR at a ``tm/texts`` folder.
"""
from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

SUBFOLDERS = ("crude", "acq")
_CANDIDATES = (
    Path("/usr/lib/R/site-library/tm/texts"),
    Path("/usr/lib/R/library/tm/texts"),
    Path.home() / ".cache" / "goldspan-bench" / "r-cran-tm" / "usr" / "lib" / "R" / "site-library" / "tm" / "texts",
)
HOW_TO_GET = (
    "the Reuters texts come from Debian's r-cran-tm: `apt-get download r-cran-tm && "
    "dpkg-deb -x r-cran-tm_*.deb ~/.cache/goldspan-bench/r-cran-tm` (or set GOLDSPAN_REUTERS_DIR "
    "to a tm/texts folder)"
)
_TRAILER = re.compile(r"\s*\bREUTER\s*$", re.IGNORECASE)


def texts_dir() -> Path | None:
    """The tm/texts folder, or None when it is not on this machine."""
    configured = os.environ.get("GOLDSPAN_REUTERS_DIR")
    for candidate in ([Path(configured)] if configured else []) + list(_CANDIDATES):
        if all((candidate / sub).is_dir() for sub in SUBFOLDERS):
            return candidate
    return None


def _paragraphs(body: str) -> list[str]:
    """The wire's hard-wrapped lines joined; a line indented by the wire starts a paragraph."""
    paragraphs: list[list[str]] = [[]]
    for line in body.splitlines():
        if line.startswith("    ") and paragraphs[-1]:
            paragraphs.append([])
        if line.strip():
            paragraphs[-1].append(line.strip())
    return [" ".join(lines) for lines in paragraphs if lines]


def story_text(path: Path) -> str:
    """Title, then the dateline run into the first paragraph, paragraphs apart by a blank line,
    the closing "Reuter" dropped (entities such as &lt; are decoded by the XML parser)."""
    return _story(ET.parse(path).getroot())


def _story(root: ET.Element) -> str:
    text = root.find("TEXT")
    title = " ".join((text.findtext("TITLE") or "").split())
    dateline = " ".join((text.findtext("DATELINE") or "").split())
    body = _TRAILER.sub("", text.findtext("BODY") or "")
    paragraphs = _paragraphs(body)
    if dateline and paragraphs:
        paragraphs[0] = f"{dateline} {paragraphs[0]}"
    return "\n\n".join([title, *paragraphs]) if title else "\n\n".join(paragraphs)


def load() -> dict[str, str]:
    """Every story by id ("reuters:crude/reut-00009", "reuters:sample/4"); empty when the
    package is not here."""
    folder = texts_dir()
    if folder is None:
        return {}
    stories = {
        f"reuters:{sub}/{path.stem}": story_text(path)
        for sub in SUBFOLDERS
        for path in sorted((folder / sub).glob("reut-*.xml"))
    }
    stories.update(_sample(folder / "reuters-21578.xml"))
    return stories


# texts/reuters-21578.xml holds the collection's first ten stories; the tenth is acq/reut-00001
# again, and five and six are tables of figures. The others were the fourth round's (issue 12).
SAMPLE = ("1", "2", "3", "4", "7", "8", "9")


def _sample(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    out = {}
    for story in ET.parse(path).getroot():
        if story.get("NEWID") in SAMPLE:
            out[f"reuters:sample/{story.get('NEWID')}"] = _story(story)
    return out


if __name__ == "__main__":  # print one story, to read it as the annotators do
    import sys

    stories = load()
    if not stories:
        raise SystemExit(HOW_TO_GET)
    for key in sys.argv[1:] or sorted(stories):
        print(f"=== {key}\n{stories[key]}\n")
