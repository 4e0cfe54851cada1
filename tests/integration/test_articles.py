"""Articles served converted at their own path over real TLS: the sample
.txt, .html, .md and .gmi, an edited article, and hostile input.
"""
import os
import re
import shutil
import tempfile
import time
import unittest

from harness import SAMPLE_CAPSULE, Server

DEADLINE = 10
SEED_PATH = "/articles/2014/02/russia-america-ceasefires.txt"
SEED_TITLE = "Russia and America discuss local ceasefires in Syria"
HTML_PATH = "/articles/2019/07/city-council-approves-cycle-lanes.html"
MD_PATH = "/articles/2021/03/running-a-small-archive.md"
GMI_PATH = "/articles/2022/09/notes-on-gemtext.gmi"
EDITED_PATH = "/articles/2017/04/edited-story.txt"
EDITED_MD_PATH = "/articles/2017/04/edited-post.md"
BAD_INPUT = {
    "/articles/bad/empty.txt": b"",
    "/articles/bad/binary.html": bytes(range(256)) * 64 + b"\x00<html>\xff\xfe",
    "/articles/bad/invalid-utf8.md": (b"---\ntitle: Bad \xff bytes\n---\n\n# Heading \xc3\x28\n\n"
                                      b"Text \xed\xa0\x80 surrogate, \xf8\x88\x80\x80\x80 five"
                                      b" bytes, \xc0\xaf overlong, cut \xe2\x82\n"),
    "/articles/bad/nested.html": (b"<!DOCTYPE html><html><body>" + b"<div>" * 10000 +
                                  b"<p>Deep paragraph at the bottom of the nesting.</p>" +
                                  b"</div>" * 10000 + b"</body></html>\n"),
    "/articles/bad/nested-quotes.html": b"<blockquote>" * 20000 + b"<p>Deep quote.</p>",
    "/articles/bad/nested-lists.html": b"<ul><li>" * 20000 + b"Deep item.",
    "/articles/bad/nested.md": b">" * 50000 + b" deep\n" + b"* " * 20000 + b"x\n" + b"[" * 50000,
}
HTML_CHROME = [r"\bSubscribe\b", r"\bSport\b", r"\bBusiness\b", r"\bOpinion\b", r"\bShare\b",
               r"\bSend\b", r"Advertisement", r"holidays by the sea", r"Comments \(3\)",
               r"rider42", r"About time!", r"Related stories", r"Bus fares frozen",
               r"All rights reserved", r"cookies", r"\bAccept\b", r"About us", r"\bTerms\b",
               r"morning briefing", r"newsletter", r"dataLayer", r"ad-slot", r"Topics:"]


def story(title, dateline, paragraphs):
    return "%s\n\n%s\n\n%s\n" % (title, dateline, "\n\n".join(paragraphs))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def build_tree(base):
    root = os.path.join(base, "root")
    shutil.copytree(SAMPLE_CAPSULE, root)
    for path, data in BAD_INPUT.items():
        write(os.path.join(root, path[1:]), data)
    for dirpath, _dirs, files in os.walk(base):
        os.chmod(dirpath, 0o755)
        for name in files:
            os.chmod(os.path.join(dirpath, name), 0o644)
    return root


def words(text):
    return " ".join(text.split())


def source_paragraphs(path):
    """The paragraphs of a plain-text dump after its dateline."""
    with open(path, encoding="utf-8") as f:
        blocks = [words(block) for block in f.read().split("\n\n") if block.strip()]
    dateline = next(i for i, block in enumerate(blocks)
                    if re.fullmatch(r"[A-Z][a-z]+ \d{1,2}, \d{4}( at .*)?", block))
    return blocks[dateline + 1:]


class ArticlesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.base = tempfile.mkdtemp(prefix="capsuled-articles-")
        os.chmod(cls.base, 0o755)
        cls.root = build_tree(cls.base)
        cls.server = Server(root=cls.root)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.finish(cls.base)

    def get(self, path, **kw):
        return self.server.gemini(path, **kw)

    def source(self, path):
        with open(os.path.join(self.root, path[1:]), "rb") as f:
            return f.read()

    def assertGemtext(self, r, lang=None):
        self.assertEqual(r.status, 20, r)
        expected = "text/gemini; charset=utf-8" + ("; lang=%s" % lang if lang else "")
        self.assertEqual(r.meta, expected)
        self.assertTrue(r.close_notify)
        return r.text.split("\n")

    # The seed .txt ------------------------------------------------------------
    def test_seed_converted_to_gemtext(self):
        lines = self.assertGemtext(self.get(SEED_PATH), lang="en")
        self.assertEqual(lines[0], "# " + SEED_TITLE)
        # The byline: the date as readers say it, linked to its month.
        self.assertTrue(lines[1].startswith("=> /archive/2014/02/ 3 February 2014"), lines[:4])
        self.assertNotIn("clear", lines)
        self.assertFalse([line for line in lines if "Creating new perspectives" in line])
        self.assertEqual(sum(line.startswith("# ") for line in lines), 1)
        body = words(" ".join(lines))
        paragraphs = source_paragraphs(os.path.join(self.root, SEED_PATH[1:]))
        self.assertEqual(len(paragraphs), 7)
        for paragraph in paragraphs:
            self.assertIn(paragraph, body)
        # Quoted speech stays a text line with its quotation marks.
        quote = ("“We do not want a ceasefire which would be used by a terrorist group, "
                 "because that would be against the interests of everyone.”")
        line = next(line for line in lines if quote in line)
        self.assertFalse(line.startswith(">"), line)
        self.assertIn("“Assad has no future in Syria”", body)

    def test_seed_raw_is_the_original_bytes(self):
        r = self.get(SEED_PATH + "?raw")
        self.assertEqual(r.status, 20)
        self.assertTrue(r.meta.startswith("text/plain"), r.meta)
        self.assertEqual(r.body, self.source(SEED_PATH))

    # The HTML sample -----------------------------------------------------------
    def test_html_article_without_site_chrome(self):
        lines = self.assertGemtext(self.get(HTML_PATH), lang="en-GB")
        self.assertEqual(lines[0], "# City council approves network of protected cycle lanes")
        byline = lines[1]
        self.assertTrue(byline.startswith("=> /archive/2019/07/ 18 July 2019 · "), byline)
        self.assertIn("Priya Natarajan", byline)
        text = "\n".join(lines)
        for chrome in HTML_CHROME:
            self.assertIsNone(re.search(chrome, text), "site chrome %r kept" % chrome)
        for kept in ("The city council on Thursday approved a plan",
                     "## Costs and timetable",
                     "* Phase two: the northern districts, 16 km",
                     "> We are not against bicycles.",
                     "costing an estimated €18 million",
                     "The council said it would study delivery zones"):
            self.assertIn(kept, text)
        self.assertNotIn("&", text.replace("&amp;", ""))
        self.assertIn("=> https://council.example/documents/cycle-plan-2019.pdf full plan", lines)

    def test_html_captioned_image_is_kept(self):
        # conversion.md: keep captioned images, "=> src alt-or-caption" and
        # the figcaption as a text line.
        lines = self.assertGemtext(self.get(HTML_PATH), lang="en-GB")
        images = [line for line in lines if line.startswith("=> ") and
                  line.split()[1].endswith("/images/gradient.png")]
        self.assertTrue(images, "\n".join(lines))
        self.assertIn("A trial lane on Bridge Street, opened in 2018.", "\n".join(lines))

    # The Markdown sample -------------------------------------------------------
    def test_markdown_article_uses_its_front_matter(self):
        lines = self.assertGemtext(self.get(MD_PATH), lang="en")
        self.assertEqual(lines[0], "# Running a small news archive")
        self.assertEqual(lines[1], "=> /archive/2021/03/ 14 March 2021 · By Sam Rivera · 1 min read")
        self.assertEqual(sum(line.startswith("# ") for line in lines), 1)
        for leak in ("title:", "author:", "tags:", "summary:", "date:"):
            self.assertFalse([line for line in lines if line.startswith(leak)], leak)
        self.assertNotIn("---", lines)
        self.assertIn("=> /articles/2014/02/russia-america-ceasefires.txt 2014 ceasefire report",
                      lines)
        self.assertIn("=> https://example.org/notes project notes", lines)
        self.assertIn("> Keep the original. Everything else can be made again.", lines)
        self.assertIn("write to us & we will answer.", "\n".join(lines))

    def test_markdown_tags_appear_on_tag_pages(self):
        line = "=> %s 2021-03-14 Running a small news archive" % MD_PATH
        for tag in ("archive", "gemini", "formats"):
            # The index is built in the background: poll, bounded.
            end = time.monotonic() + DEADLINE
            while True:
                r = self.get("/tags/%s/" % tag)
                if (r.status == 20 and line in r.text.split("\n")) or time.monotonic() > end:
                    break
                time.sleep(0.1)
            self.assertEqual(r.status, 20, tag)
            self.assertIn(line, r.text.split("\n"), tag)

    # The native .gmi -----------------------------------------------------------
    def test_gemtext_article_served_as_written(self):
        r = self.get(GMI_PATH)
        self.assertEqual(r.status, 20)
        self.assertTrue(r.meta.startswith("text/gemini"), r.meta)
        self.assertEqual(r.body, self.source(GMI_PATH))

    # Edits ---------------------------------------------------------------------
    def test_edited_article_is_converted_again(self):
        file_path = os.path.join(self.root, EDITED_PATH[1:])
        write(file_path, story("Council opens the new library", "April 4, 2017",
                               ["The library opens on Monday with nine thousand books."]))
        os.chmod(file_path, 0o644)
        first = self.get(EDITED_PATH)
        self.assertEqual(first.text.split("\n")[0], "# Council opens the new library")
        self.assertIn("nine thousand books", first.text)
        # Same size, same second: only the content and the nanoseconds differ.
        with open(file_path, "r+", encoding="utf-8") as f:
            text = f.read()
            f.seek(0)
            f.write(text.replace("nine thousand", "four thousand"))
        second = self.get(EDITED_PATH)
        self.assertIn("four thousand books", second.text)
        self.assertNotIn("nine thousand", second.text)
        write(file_path, story("Council delays the new library", "April 4, 2017",
                               ["The opening moved to June.", "Builders found asbestos."]))
        third = self.get(EDITED_PATH)
        lines = third.text.split("\n")
        self.assertEqual(lines[0], "# Council delays the new library")
        self.assertIn("Builders found asbestos.", lines)
        self.assertNotIn("four thousand", third.text)

    def test_edited_markdown_front_matter_is_read_again(self):
        file_path = os.path.join(self.root, EDITED_MD_PATH[1:])
        write(file_path, "---\ntitle: First title\nauthor: Ann Writer\n---\n\nBody one.\n")
        os.chmod(file_path, 0o644)
        self.assertEqual(self.get(EDITED_MD_PATH).text.split("\n")[0], "# First title")
        write(file_path, "---\ntitle: Second title\nauthor: Bob Writer\n---\n\nBody two.\n")
        lines = self.get(EDITED_MD_PATH).text.split("\n")
        self.assertEqual(lines[0], "# Second title")
        self.assertIn("Bob Writer", lines[1])
        self.assertIn("Body two.", lines)

    # Hostile input -------------------------------------------------------------
    def test_bad_input_is_answered_quickly(self):
        for path in BAD_INPUT:
            start = time.monotonic()
            r = self.get(path, timeout=DEADLINE)
            elapsed = time.monotonic() - start
            self.assertTrue(r.status == 20 or (r.status is not None and 40 <= r.status < 60),
                            "%s: %r" % (path, r))
            self.assertLess(elapsed, 5, path)
            if r.status == 20:
                self.assertTrue(r.meta.startswith("text/gemini; charset=utf-8"), r.meta)
                try:
                    r.body.decode("utf-8")
                except UnicodeDecodeError as e:
                    self.fail("%s: output declared UTF-8 is not: %s" % (path, e))
                # conversion.md: no control characters outside preformatted text.
                self.assertIsNone(re.search(rb"[\x00-\x09\x0b-\x1f\x7f]", r.body), path)
            self.assertEqual(self.get(SEED_PATH).status, 20, "after " + path)
        self.assertEqual(self.get("/archive/").status, 20)
        self.assertIsNone(self.server.proc.poll())

    def test_deeply_nested_html_keeps_its_text(self):
        r = self.get("/articles/bad/nested.html", timeout=DEADLINE)
        self.assertEqual(r.status, 20, r)
        self.assertIn("Deep paragraph at the bottom of the nesting.", r.text)

    def test_raw_of_bad_input_is_byte_identical(self):
        for path, data in BAD_INPUT.items():
            r = self.get(path + "?raw")
            self.assertEqual(r.status, 20, path)
            self.assertEqual(r.body, data, path)


class LearnedChromeTest(unittest.TestCase):
    """A .txt article served before the archive knew its site's chrome is
    served without it once the chrome is learned, although the file itself
    never changed (the converted copy is cached under the chrome's
    generation), over Gemini, and listed by its real title over Gopher."""

    CHROME = "Welcome to the Daily Planet and its readers"

    def setUp(self):
        self.base = tempfile.mkdtemp(prefix="capsuled-chrome-")
        os.chmod(self.base, 0o755)
        self.root = os.path.join(self.base, "root")
        self.write_story("2016/05/first.txt", 0)
        self.server = Server(root=self.root)
        self.server.start()

    def tearDown(self):
        self.server.finish(self.base)

    def write_story(self, rel, n):
        # No dateline: the first headline-like line that is not chrome is
        # the title, so unknown chrome would be taken for it.
        path = os.path.join(self.root, rel)
        write(path, "%s\n\nCouncil meeting number %d approves the bridge\n\n"
                    "The council met for the %d time and voted for the new bridge over "
                    "the river, which opens next spring.\n" % (self.CHROME, n, n))
        os.chmod(os.path.dirname(path), 0o755)
        os.chmod(path, 0o644)

    def test_chrome_learned_later_is_dropped_from_a_cached_article(self):
        first = self.server.gemini("/2016/05/first.txt")
        self.assertEqual(first.status, 20, first)
        # One file is no pattern: its chrome is taken for the title, and cached.
        self.assertEqual(first.text.split("\n")[0], "# " + self.CHROME)
        for n in range(1, 6):
            self.write_story("2016/05/story-%d.txt" % n, n)
        deadline = time.monotonic() + DEADLINE
        while True:
            text = self.server.gemini("/2016/05/first.txt").text
            if self.CHROME not in text or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertNotIn(self.CHROME, text)
        self.assertEqual(text.split("\n")[0], "# Council meeting number 0 approves the bridge")
        # Gopher serves the text as written, but lists it by its title.
        menu = self.server.gopher("/2016/05/\r\n").decode()
        self.assertNotIn(self.CHROME, menu)
        self.assertIn("Council meeting number 0 approves the bridge", menu)


if __name__ == "__main__":
    unittest.main()
