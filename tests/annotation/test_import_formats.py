"""CSV and HTML articles, folders, big files, and the bad input those formats bring."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotation.import_job import import_files
from annotation.importers import ImportOptions
from annotation.jobs import run
from annotation.store import Store


def _import(store: Store, *paths: Path, options: ImportOptions | None = None, fmt: str | None = None):
    return run(import_files(store, list(paths), options, fmt))


def _threads(store: Store) -> dict[str, tuple]:
    """ext_id -> (document, {comment ext_id: comment}) for every document."""
    out = {}
    for doc_id in store.document_ids():
        doc = store.document(doc_id)
        out[doc.ext_id] = (doc, {c.ext_id: c for c in store.comments(doc_id)})
    return out


# -- CSV ------------------------------------------------------------------------------------

def test_csv_articles_one_a_row_with_meta_and_multiline_text(store, tmp_path):
    path = tmp_path / "articles.csv"
    path.write_text(
        'id,title,url,published,body,section\n'
        'a1,Harbour reopens,https://example.org/a1,2026-03-01,"The harbour in Valdoria reopened.\n\nZoë Brandt said it was ""overdue"".",ports\n'
        'a2,,,,"Second article, with a comma.",\n',
        encoding="utf-8",
    )
    report = _import(store, path, options=ImportOptions(text_column="body"))
    assert not report.errors
    docs = _threads(store)
    a1, _ = docs["a1"]
    assert a1.title == "Harbour reopens" and a1.url == "https://example.org/a1" and a1.published == "2026-03-01"
    assert a1.text == 'The harbour in Valdoria reopened.\n\nZoë Brandt said it was "overdue".'
    assert a1.meta == {"section": "ports"}
    a2, comments = docs["a2"]
    assert a2.title == "Second article, with a comma." and a2.meta == {} and comments == {}


def test_csv_comment_rows_build_threads_in_any_order(store, tmp_path):
    path = tmp_path / "threads.csv"
    path.write_text(
        "article_id,comment_id,parent_id,author,time,text,title,likes\n"
        "n1,c2,c1,Łukasz,2026-03-02T10:05,I disagree with you.,,1\n"
        "n1,,,,,The council voted 5-4 to close the ferry.,Ferry closes,\n"
        "n1,c1,,Zoë,2026-03-02T10:00,About time.,,7\n"
        "n2,,,,,Another story entirely.,,\n"
        "n1,c3,c2,Ana,,\"Multi\nline reply\",,\n",
        encoding="utf-8",
    )
    report = _import(store, path)
    assert not report.errors, report.errors
    docs = _threads(store)
    n1, comments = docs["n1"]
    assert n1.title == "Ferry closes" and n1.text == "The council voted 5-4 to close the ferry."
    assert [c.ext_id for c in sorted(comments.values(), key=lambda c: c.position)] == ["c2", "c1", "c3"]
    assert comments["c2"].parent_id == comments["c1"].id and comments["c3"].parent_id == comments["c2"].id
    assert comments["c1"].author == "Zoë" and comments["c1"].time == "2026-03-02T10:00"
    assert comments["c1"].meta == {"likes": "7"} and comments["c3"].text == "Multi\nline reply"
    assert docs["n2"][1] == {}


def test_csv_semicolons_and_windows_1252(store, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("id;text\r\nx1;Müller’s café in São Paulo closed — “for good”, he said.\r\n".encode("cp1252"))
    report = _import(store, path)
    assert not report.errors, report.errors
    (doc, _), = _threads(store).values()
    assert doc.text == "Müller’s café in São Paulo closed — “for good”, he said."


@pytest.mark.parametrize("content, expected", [
    ("id,body\n1,x\n", "bad.csv:1: no 'text' column (columns: id, body)"),
    ("id,text\n1,fine\n2,\n", "bad.csv:3: the article text (column 'text') is empty"),
    ("id,text\n1,fine\n2,\"unclosed\n3,x\n", "bad.csv:3: broken CSV"),
    ("id,text\n1,fine\n2,two,three\n", "bad.csv:3: 3 cells but the header has 2 columns"),
    ("article_id,comment_id,text\na,,body\na,c1,reply\nb,c2,orphan\n", "bad.csv:4: comments for article 'b' but no article row"),
    ("article_id,comment_id,text\na,,body\na,,again\n", "bad.csv:3: a second article row for article 'a'"),
    ("id,text,id\n1,x,2\n", "bad.csv:1: column 'id' appears twice"),
])
def test_bad_csv_names_file_and_line_and_imports_nothing(store, tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    report = _import(store, path)
    assert len(report.errors) == 1 and expected in report.errors[0], report.errors
    assert store.document_count() == 0


def test_stance_sheet_forced_through_the_article_reader_gets_a_hint(store, tmp_path):
    from annotation.importers import choose_importer

    path = tmp_path / "stances.csv"
    path.write_text("article_id,comment_id,target,label\na,1,ferry,favor\n", encoding="utf-8")
    assert choose_importer(path).name != "csv"  # the article reader never claims a stance sheet
    report = _import(store, path, fmt="csv")
    assert len(report.errors) == 1 and "stances.csv:1: this looks like a stance-label sheet" in report.errors[0]
    assert "--format stance-csv" in report.errors[0]


def test_csv_text_column_option_from_the_command_line(tmp_path):
    from tests.annotation.test_import import goldspan

    project = tmp_path / "p.db"
    assert goldspan("init", str(project)).returncode == 0
    path = tmp_path / "a.csv"
    path.write_text("headline,content\nH,Body text here.\n")
    result = goldspan("import", str(project), str(path), "--text-column", "content", "--title-column", "headline")
    assert result.returncode == 0, result.stderr
    with Store.open(project, read_only=True) as s:
        (doc,) = list(s.iter_documents())
    assert doc.title == "H" and doc.text == "Body text here."


# -- HTML -----------------------------------------------------------------------------------

_BODY_PARAGRAPHS = [
    "The town council of Marrowby voted on Tuesday to close the Kestrel Lane ferry at the end of the summer, "
    "ending a crossing that has carried commuters over the river Ambel for more than ninety years.",
    "“We simply cannot keep pouring money into a boat that spends half the winter in dry dock,” said "
    "council leader Oriane Vasquez-Holt, who proposed the closure. She added that a new footbridge would be "
    "ready “well before the first frost”.",
    "Residents of the eastern bank were less convinced. According to the Ambel Valley Residents’ Association, "
    "more than 1,400 people signed a petition against the plan in under a week. Its chair, Tomasz Wróbel, "
    "told reporters that the footbridge &lt;b&gt;had not even been designed yet&lt;/b&gt;.",
    "The ferry’s last crossing is scheduled for 30 September. The council said ticket holders would be refunded.",
]


def _wordpress_page() -> str:
    body = "\n".join(f"<p>{p}</p>" for p in _BODY_PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Marrowby votes to close Kestrel Lane ferry | The Ambel Courier</title>
<meta property="og:title" content="Marrowby votes to close Kestrel Lane ferry">
<meta property="article:published_time" content="2026-04-14T09:30:00+00:00">
<link rel="canonical" href="https://courier.example/2026/04/ferry">
<script>window.dataLayer = [];</script><style>.fn {{ font-weight: bold }}</style>
</head><body class="post-template-default single">
<header class="site-header"><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav></header>
<main id="main"><article class="post type-post">
<h1 class="entry-title">Marrowby votes to close Kestrel Lane ferry</h1>
<div class="entry-meta">Posted on <time class="entry-date" datetime="2026-04-14T09:30:00+00:00">14 April 2026</time></div>
<div class="entry-content">{body}</div>
</article>
<div id="comments" class="comments-area">
<h2 class="comments-title">3 thoughts on “Marrowby votes to close Kestrel Lane ferry”</h2>
<ol class="commentlist">
 <li id="comment-101" class="comment even thread-even depth-1 parent">
  <article id="div-comment-101" class="comment-body">
   <footer class="comment-meta"><div class="comment-author vcard"><img class="avatar" src="a.png" alt="">
     <b class="fn">Zoë Ferreira</b> <span class="says">says:</span></div>
    <div class="comment-metadata"><a href="#comment-101"><time datetime="2026-04-14T10:02:11+00:00">14 April 2026 at 10:02</time></a></div>
   </footer>
   <div class="comment-content"><p>My grandmother took that ferry to work every day.</p>
    <p>Closing it is a <b>disgrace</b> &lt;script&gt;alert(1)&lt;/script&gt;</p></div>
   <div class="reply"><a class="comment-reply-link" href="#respond">Reply</a></div>
  </article>
  <ol class="children">
   <li id="comment-102" class="comment byuser odd alt depth-2">
    <article id="div-comment-102" class="comment-body">
     <footer class="comment-meta"><div class="comment-author vcard"><b class="fn"><a href="https://x.example" class="url">Łukasz Nowicki</a></b> <span class="says">says:</span></div>
      <div class="comment-metadata"><time datetime="2026-04-14T10:30:00+00:00">14 April 2026 at 10:30</time></div></footer>
     <div class="comment-content"><p>Nostalgia does not pay for a new hull.</p></div>
     <div class="reply"><a class="comment-reply-link" href="#respond">Reply</a></div>
    </article>
    <ol class="children"><li id="comment-104" class="comment even depth-3">
     <article class="comment-body"><footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Zoë Ferreira</b></div></footer>
      <div class="comment-content"><p>Neither does a bridge nobody has designed. 🙄</p></div></article></li></ol>
   </li>
  </ol>
 </li>
 <li id="comment-103" class="comment odd depth-1">
  <article class="comment-body"><footer class="comment-meta"><div class="comment-author vcard"><b class="fn">M. Müller</b></div></footer>
   <div class="comment-content"><p>Good riddance.</p></div></article>
 </li>
</ol>
<div id="respond" class="comment-respond">
 <h3 id="reply-title" class="comment-reply-title">Leave a Reply <small><a id="cancel-comment-reply-link" href="#respond">Cancel reply</a></small></h3>
 <form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
  <p class="comment-notes">Your email address will not be published. Required fields are marked *</p>
  <p class="comment-form-comment"><label for="comment">Comment *</label><textarea id="comment" name="comment" placeholder="Please enter your comment!"></textarea></p>
  <p class="comment-form-author"><label for="author">Name *</label><input id="author" name="author" placeholder="Please enter your name here"></p>
  <p class="form-submit"><input name="submit" type="submit" value="Post Comment"></p>
 </form>
</div>
</div></main>
<footer class="site-footer"><p>© 2026 The Ambel Courier. All rights reserved.</p></footer>
</body></html>
"""


FORM_BOILERPLATE = ("Leave a Reply", "Cancel reply", "Please enter your", "will not be published", "Post Comment", "says:")


def test_wordpress_page_keeps_body_and_the_comment_thread(store, tmp_path):
    path = tmp_path / "ferry.html"
    path.write_text(_wordpress_page(), encoding="utf-8")
    report = _import(store, path)
    assert not report.errors, report.errors
    (doc, comments), = _threads(store).values()
    assert doc.title == "Marrowby votes to close Kestrel Lane ferry"
    assert doc.url == "https://courier.example/2026/04/ferry" and doc.published.startswith("2026-04-14")
    assert "voted on Tuesday to close the Kestrel Lane ferry" in doc.text
    assert "“We simply cannot keep pouring money" in doc.text and doc.text.count("\n\n") >= 2
    assert "<b>had not even been designed yet</b>" in doc.text  # escaped markup stays literal text
    assert "grandmother" not in doc.text and "dataLayer" not in doc.text and "font-weight" not in doc.text
    assert set(comments) == {"101", "102", "103", "104"}
    assert comments["101"].author == "Zoë Ferreira" and comments["101"].time == "2026-04-14T10:02:11+00:00"
    assert comments["101"].text == ("My grandmother took that ferry to work every day.\n\n"
                                    "Closing it is a disgrace <script>alert(1)</script>")
    assert comments["102"].parent_id == comments["101"].id and comments["102"].author == "Łukasz Nowicki"
    assert comments["104"].parent_id == comments["102"].id and comments["104"].text.endswith("🙄")
    assert comments["103"].parent_id is None and comments["103"].text == "Good riddance."
    assert [c.ext_id for c in sorted(comments.values(), key=lambda c: c.position)] == ["101", "102", "104", "103"]
    for text in [doc.text] + [c.text for c in comments.values()]:
        assert not any(b in text for b in FORM_BOILERPLATE), text


def test_generic_comment_markup_nests_replies(store, tmp_path):
    path = tmp_path / "generic.htm"
    paragraphs = "".join(f"<p>{p}</p>" for p in _BODY_PARAGRAPHS)
    path.write_text(f"""<html><head><title>Ferry row</title></head><body>
<div class="story"><h1>Ferry row deepens</h1>{paragraphs}</div>
<section class="reader-comments"><h3>Comments (2)</h3>
 <div class="c-comment" data-comment-id="a7">
   <span class="username">ana_b</span><span class="timestamp"><time datetime="2026-04-15">yesterday</time></span>
   <div class="c-comment__text">Bridges are <i>cheaper</i> in the long run.</div>
   <div class="c-comment" data-comment-id="a8"><span class="username">kestrel_fan</span>
     <div class="c-comment__text">Source?</div></div>
 </div>
 <div class="c-comment" data-comment-id="a9"><span class="username">Rui</span>
   <div class="c-comment__text">Saudações de São Paulo!</div></div>
</section></body></html>""", encoding="utf-8")
    report = _import(store, path)
    assert not report.errors, report.errors
    (doc, comments), = _threads(store).values()
    assert doc.title == "Ferry row deepens" and "Kestrel Lane ferry" in doc.text and "Source?" not in doc.text
    assert set(comments) == {"a7", "a8", "a9"}
    assert comments["a7"].text == "Bridges are cheaper in the long run." and comments["a7"].author == "ana_b"
    assert comments["a7"].time == "2026-04-15"
    assert comments["a8"].parent_id == comments["a7"].id and comments["a8"].text == "Source?"
    assert comments["a9"].parent_id is None and comments["a9"].text == "Saudações de São Paulo!"


def test_html_page_without_comments_and_in_latin_1(store, tmp_path):
    path = tmp_path / "plain.html"
    text = "<html><head><title>Café</title></head><body><p>Le maire de Villebrume a déclaré que le café restera ouvert.</p></body></html>"
    path.write_bytes(text.encode("latin-1"))
    report = _import(store, path)
    assert not report.errors, report.errors
    (doc, comments), = _threads(store).values()
    assert doc.text == "Le maire de Villebrume a déclaré que le café restera ouvert." and comments == {}
    assert doc.title == "Café"


@pytest.mark.parametrize("content, expected", [
    (b"", "empty.html: the file is empty"),
    (b"<html><body><script>var x = 1;</script></body></html>", "empty.html:1: no article text found"),
])
def test_bad_html_is_one_clear_error(store, tmp_path, content, expected):
    path = tmp_path / "empty.html"
    path.write_bytes(content)
    report = _import(store, path)
    assert len(report.errors) == 1 and expected in report.errors[0], report.errors
    assert store.document_count() == 0


# -- folders and big files ------------------------------------------------------------------

def test_folder_imports_every_supported_file_in_it(store, tmp_path):
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.jsonl").write_text(json.dumps({"id": "j", "text": "From JSONL."}) + "\n", encoding="utf-8")
    (folder / "b.csv").write_text("id,text\nc,From CSV.\n", encoding="utf-8")
    (folder / "sub" / "c.html").write_text("<html><body><p>From a saved page.</p></body></html>", encoding="utf-8")
    (folder / "sub" / "d.txt").write_text("From scraped text.\n\n1. A comment.\n", encoding="utf-8")
    (folder / "notes.md").write_text("# not an article\n", encoding="utf-8")
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    report = _import(store, folder)
    assert not report.errors, report.errors
    assert len(report.files_ok) == 4
    assert sorted(d.text for d in store.iter_documents()) == ["From CSV.", "From JSONL.", "From a saved page.", "From scraped text."]


_BIG_IMPORT = r"""
import json, sys
from annotation.import_job import import_files
from annotation.store import Store

def rss_mb():
    # The resident size now (not the process's peak, which module imports may already have set).
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024

store = Store.open(sys.argv[1])
steps, samples = [], []
job = import_files(store, [sys.argv[2]])
while True:
    try:
        progress = next(job)
    except StopIteration as stop:
        report = stop.value
        break
    samples.append(rss_mb())  # sampled at every batch of 200 articles
    steps.append([progress.done, progress.total])
print(json.dumps({"growth_mb": max(samples) - samples[0], "steps": steps, "errors": report.errors,
                  "documents": store.document_count()}))
"""


def _write_big_jsonl(path: Path, megabytes: int) -> int:
    """A valid JSONL of about ``megabytes`` MB: distinct articles of ~5 KB with 10 comments each."""
    paragraph = ("The council of Marrowby met again on {n} to discuss the ferry, and Zoë Brandt said that "
                 "“nothing has been decided” while residents waited outside in the rain. ") * 6
    lines = 0
    with path.open("w", encoding="utf-8") as fh:
        while fh.tell() < megabytes * 1_000_000:
            text = "\n\n".join(paragraph.format(n=f"day {lines}.{k}") for k in range(4))
            comments = [{"id": str(k), "parent": str(k - 1) if k % 2 else None, "author": f"reader {k}",
                         "text": f"Comment {k} on article {lines}: I think the ferry should stay. " * 3} for k in range(10)]
            fh.write(json.dumps({"id": f"big-{lines}", "title": f"Big {lines}", "text": text, "comments": comments},
                                ensure_ascii=False) + "\n")
            lines += 1
    return lines


def test_a_50_mb_jsonl_imports_in_bounded_memory_with_progress(project, tmp_path):
    import subprocess
    import sys

    if not Path("/proc/self/status").exists():
        pytest.skip("reads the resident size from /proc (Linux)")
    big = tmp_path / "big.jsonl"
    n_articles = _write_big_jsonl(big, 50)
    size = big.stat().st_size
    assert size >= 50_000_000
    out = subprocess.run([sys.executable, "-c", _BIG_IMPORT, str(project), str(big)], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["errors"] == [] and result["documents"] == n_articles
    # Streaming in batches of 200 articles: memory does not grow with the file (50 MB of JSON
    # would be several times that as Python objects if it were read whole).
    assert result["growth_mb"] < 40, result["growth_mb"]
    done = [d for d, total in result["steps"] if total == size]
    assert len(done) > 20 and done == sorted(done) and done[-1] == size  # a progress bar that moves


# -- bad input through the command line: one line on stderr, non-zero exit, project unchanged --

def _snapshot(project: Path) -> tuple:
    with Store.open(project, read_only=True) as s:
        return (s.stats(), [(d.ext_id, d.text) for d in s.iter_documents()])


@pytest.mark.parametrize("name, content, expected", [
    ("empty.csv", b"", "empty.csv: the file is empty"),
    ("binary.html", b"<html>\x00\x01\x02\x00</html>", "binary.html:1: binary file (NUL byte at offset 6)"),
    ("broken.csv", b"id,text\n1,ok\n2,\"never closed\n", "broken.csv:3: broken CSV"),
    ("garbage.csv", bytes(range(128, 256)) * 40, "garbage.csv"),
])
def test_bad_csv_and_html_from_the_command_line(tmp_path, name, content, expected):
    from tests.annotation.test_import import goldspan

    project = tmp_path / "p.db"
    assert goldspan("init", str(project)).returncode == 0
    good = tmp_path / "good.csv"
    good.write_text("id,text\nkeep,Kept from before.\n")
    assert goldspan("import", str(project), str(good)).returncode == 0
    before = _snapshot(project)
    bad = tmp_path / name
    bad.write_bytes(content)
    result = goldspan("import", str(project), str(bad))
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(errors) == 1 and expected in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert _snapshot(project) == before


def test_read_only_project_from_the_command_line(project, tmp_path, monkeypatch, capsys):
    import os

    from annotation.cli import main

    article = tmp_path / "a.csv"
    article.write_text("id,text\n1,Some text.\n")
    before = _snapshot(project)
    # Tests may run as root, which ignores permission bits: answer as os.access would for a user.
    monkeypatch.setattr(os, "access", lambda path, mode: mode != os.W_OK)
    assert main(["import", str(project), str(article)]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and "read-only" in lines[0] and str(project) in lines[0]
    monkeypatch.undo()
    assert _snapshot(project) == before


def test_generic_comments_in_camel_case_and_bem_classes(store, tmp_path):
    path = tmp_path / "camel.html"
    path.write_text("""<html><body><article><h1>Harbour news</h1>
<p>The harbour master of Port Kessing said on Monday that the new crane would arrive in May.</p></article>
<div class="commentsSection">
 <div class="userComment" id="comment-9"><div class="commentMeta"><span class="author">Sigrún</span> wrote:</div>
  <div class="commentBody">Finally!<br>About time too.</div>
  <div class="replies"><div class="userComment" id="comment-10"><span class="author">Jonas</span>
   <div class="commentBody">May of which year? 😉</div><a class="commentReply">Reply</a></div></div>
 </div>
</div></body></html>""", encoding="utf-8")
    report = _import(store, path)
    assert not report.errors, report.errors
    (doc, comments), = _threads(store).values()
    assert "Finally" not in doc.text and "crane would arrive in May" in doc.text
    assert comments["9"].text == "Finally!\nAbout time too." and comments["9"].author == "Sigrún"
    assert comments["10"].parent_id == comments["9"].id and comments["10"].text == "May of which year? 😉"
