"""The generated archive over real sockets: date and tag pages, home, feed,
search and live updates, over Gemini and, where it applies, Gopher.

The index is built in the background, so every check that waits for the
indexer polls with a bounded deadline instead of sleeping.
"""
import datetime
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET
from urllib.parse import quote

from harness import BINARY, SAMPLE_CAPSULE, Server, free_port
from test_gopher import article_parts, text_lines

DEADLINE = 10
ATOM = "{http://www.w3.org/2005/Atom}"
SEED_PATH = "/articles/2014/02/russia-america-ceasefires.txt"
SEED_TITLE = "Russia and America discuss local ceasefires in Syria"
MD_PATH = "/articles/2021/03/running-a-small-archive.md"
ARTICLE_LINE = re.compile(r"=> (/\S+) (\d{4}-\d{2}-\d{2}) (.+)")
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
PAGED_WORD = "zanzibarite"
# A page with no date in its metadata or path, and the word that finds it.
UNDATED_PATH = "/about/colophon.md"
UNDATED_TITLE = "Colophon of this archive"
UNDATED_WORD = "quillwort"
PAGED_COUNT = 25
# What an FTS5 or SQLite error would leak into a page.
LEAKS = re.compile(r"(?i:sqlite|fts5|syntax error|no such column|unterminated)|SELECT|MATCH")

# Extra articles beside the sample ones, so every index page has several
# rows whose order can be checked: (path, date, title, tags, body).
EXTRA = [
    ("articles/2014/02/talks-resume-in-geneva.md", "2014-02-20", "Talks resume in Geneva",
     ["gemini"], "Delegations returned to the table."),
    ("articles/2014/02/early-february-notes.md", "2014-02-01", "Early February notes",
     [], "A few notes written at the start of the month."),
    ("articles/2014/05/spring-floods.md", "2014-05-09", "Spring floods in the valley",
     [], "The river rose by two metres."),
    ("articles/2015/06/corner-cafe.md", "2015-06-12", "Corner shop reopens",
     [], "The café on the corner reopened with a new terrace."),
    # 2022-09-01T20:30Z: earlier than the sample .gmi's 2022-09-02T00:00Z,
    # though its text sorts after it.
    ("articles/2022/09/late-desk-note.md", "2022-09-02T01:30:00+05:00", "Late desk note",
     [], "Filed before dawn."),
]


def markdown(title, date, body, tags=()):
    front = "---\ntitle: \"%s\"\ndate: %s\nauthor: Test Writer\n" % (title, date)
    if tags:
        front += "tags: [%s]\n" % ", ".join(tags)
    return "%s---\n\n%s\n" % (front, body)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def make_readable(base):
    for dirpath, _dirs, files in os.walk(base):
        os.chmod(dirpath, 0o755)
        for name in files:
            os.chmod(os.path.join(dirpath, name), 0o644)


def build_tree(base):
    """The sample capsule (no index.gmi: the home page is generated) plus the
    extra articles; base/index.gmi is a hand-written home to put in place."""
    root = os.path.join(base, "root")
    shutil.copytree(SAMPLE_CAPSULE, root)
    write(os.path.join(base, "index.gmi"), "# The capsuled sample archive\n\n"
          "=> /archive/ Browse the archive by date\n=> /search Search the archive\n")
    for path, date, title, tags, body in EXTRA:
        write(os.path.join(root, path), markdown(title, date, body, tags))
    write(os.path.join(root, UNDATED_PATH[1:]),
          "# %s\n\nSet by hand, with a %s on the desk.\n" % (UNDATED_TITLE, UNDATED_WORD))
    for i in range(PAGED_COUNT):
        write(os.path.join(root, "articles", "2013", "01", "paged-%02d.md" % (i + 1)),
              markdown("Paged article %02d" % (i + 1), "2013-01-%02d" % (i + 1),
                       "Mentions the %s mineral, number %d." % (PAGED_WORD, i + 1)))
    make_readable(base)
    return root


def article_lines(text):
    """(path, date, title) of every gemlog line of a page."""
    out = []
    for line in text.split("\n"):
        if line.startswith("=> /articles/"):
            m = ARTICLE_LINE.fullmatch(line)
            if m is None:
                raise AssertionError("not a gemlog line: %r" % line)
            out.append(m.groups())
    return out


def menu_items(raw):
    """(type, display, selector) of a Gopher menu, framing checked."""
    if not raw.endswith(b".\r\n"):
        raise AssertionError("menu does not end with .CRLF: %r" % raw[-120:])
    items = []
    for line in raw[:-3].decode("utf-8").split("\r\n")[:-1]:
        fields = line.split("\t")
        if len(fields) != 4 or not line:
            raise AssertionError("menu line without four fields: %r" % line)
        items.append((line[0], fields[0][1:], fields[1]))
    return items


def article_items(raw):
    return [(display, selector) for kind, display, selector in menu_items(raw)
            if kind != "i" and selector.startswith("/articles/")]


def rfc3339(text):
    if RFC3339.fullmatch(text) is None:
        raise AssertionError("not an RFC 3339 date-time: %r" % text)
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class ArchivePagesTest(unittest.TestCase):
    """One server on the sample tree plus extra articles, without index.gmi."""

    @classmethod
    def setUpClass(cls):
        cls.base = tempfile.mkdtemp(prefix="capsuled-archive-")
        os.chmod(cls.base, 0o755)
        cls.root = build_tree(cls.base)
        cls.server = Server(root=cls.root)
        cls.server.start()
        cls.wait_for(cls.server, "/archive/2013/01/", lambda r: r.status == 20 and
                      len(article_lines(r.text)) == PAGED_COUNT and "being built" not in r.text)

    @classmethod
    def tearDownClass(cls):
        cls.server.finish(cls.base)

    @staticmethod
    def wait_for(server, path, ok, deadline=DEADLINE):
        """Fetch path until ok(response) or the deadline; return the last response."""
        end = time.monotonic() + deadline
        while True:
            r = server.gemini(path)
            if ok(r) or time.monotonic() > end:
                return r
            time.sleep(0.1)

    def get(self, path):
        return self.server.gemini(path)

    def gopher(self, selector):
        return self.server.gopher(selector.encode("utf-8") + b"\r\n")

    def search(self, words, page=1):
        path = "/search" if page == 1 else "/search/%d" % page
        return self.get(path + "?" + quote(words, safe=""))

    def assertGemlog(self, path, expected):
        """path lists exactly the expected (path, date) rows, newest first,
        and its Gopher menu lists the same articles in the same order."""
        r = self.get(path)
        self.assertEqual(r.status, 20, r)
        self.assertTrue(r.meta.startswith("text/gemini"), r.meta)
        rows = article_lines(r.text)
        self.assertEqual([(p, d) for p, d, _ in rows], expected, r.text)
        self.assertEqual(sorted(rows, key=lambda row: row[1], reverse=True), rows)
        items = article_items(self.gopher(path))
        self.assertEqual([selector for _, selector in items], [p for p, _ in expected])
        for (display, _), (_, date, title) in zip(items, rows):
            self.assertEqual(display, "%s %s" % (date, title))
        return rows

    # Date and tag pages ------------------------------------------------------
    def test_month_page_lists_its_articles_newest_first(self):
        rows = self.assertGemlog("/archive/2014/02/", [
            ("/articles/2014/02/talks-resume-in-geneva.md", "2014-02-20"),
            (SEED_PATH, "2014-02-03"),
            ("/articles/2014/02/early-february-notes.md", "2014-02-01"),
        ])
        self.assertEqual(rows[1][2], SEED_TITLE)
        # A folder asked without its slash: 31 to the slash form.
        r = self.get("/archive/2014/02")
        self.assertEqual((r.status, r.meta), (31, "/archive/2014/02/"))

    def test_every_sample_month_lists_its_article(self):
        for path, date in ((SEED_PATH, "2014-02-03"),
                           ("/articles/2016/11/harbour-bridge-reopens.txt", "2016-11-14"),
                           ("/articles/2018/05/river-festival-draws-crowds.txt", "2018-05-12"),
                           ("/articles/2019/07/city-council-approves-cycle-lanes.html", "2019-07-18"),
                           (MD_PATH, "2021-03-14"),
                           ("/articles/2022/09/notes-on-gemtext.gmi", "2022-09-02")):
            month = "/archive/%s/%s/" % (date[:4], date[5:7])
            r = self.get(month)
            self.assertEqual(r.status, 20, month)
            self.assertIn((path, date), [(p, d) for p, d, _ in article_lines(r.text)], month)

    def test_year_page_lists_its_months_newest_first(self):
        r = self.get("/archive/2014/")
        self.assertEqual(r.status, 20)
        links = re.findall(r"^=> (\S+) (.*)$", r.text, re.M)
        self.assertEqual(links[:2], [("/archive/2014/05/", "May 2014 (1 article)"),
                                     ("/archive/2014/02/", "February 2014 (3 articles)")])
        items = [(d, s) for k, d, s in menu_items(self.gopher("/archive/2014/")) if k == "1"]
        self.assertEqual(items[:2], [("May 2014 (1 article)", "/archive/2014/05/"),
                                     ("February 2014 (3 articles)", "/archive/2014/02/")])

    def test_years_page_lists_every_year_newest_first(self):
        r = self.get("/archive/")
        self.assertEqual(r.status, 20)
        years = re.findall(r"^=> /archive/(\d{4})/ \d{4} \((\d+) articles?\)$", r.text, re.M)
        self.assertEqual(years, [("2022", "2"), ("2021", "1"), ("2019", "1"), ("2018", "1"),
                                 ("2016", "1"), ("2015", "1"), ("2014", "4"),
                                 ("2013", str(PAGED_COUNT))])
        selectors = [s for k, _, s in menu_items(self.gopher("/archive/")) if k == "1"]
        self.assertEqual(selectors[:8], ["/archive/%s/" % y for y, _ in years])

    def test_tag_page_lists_tagged_articles_newest_first(self):
        self.assertGemlog("/tags/gemini/", [
            (MD_PATH, "2021-03-14"),
            ("/articles/2014/02/talks-resume-in-geneva.md", "2014-02-20"),
        ])
        self.assertGemlog("/tags/formats/", [(MD_PATH, "2021-03-14")])
        self.assertGemlog("/tags/cycling/", [
            ("/articles/2019/07/city-council-approves-cycle-lanes.html", "2019-07-18")])

    def test_tag_list_counts_every_tag(self):
        r = self.get("/tags/")
        self.assertEqual(r.status, 20)
        self.assertIn("=> /tags/gemini/ gemini (2 articles)", r.text.split("\n"))
        self.assertIn("=> /tags/archive/ archive (1 article)", r.text.split("\n"))
        selectors = [s for k, _, s in menu_items(self.gopher("/tags/")) if k == "1"]
        self.assertIn("/tags/gemini/", selectors)

    def test_empty_or_malformed_date_and_tag_pages_are_51(self):
        for path in ("/archive/1999/", "/archive/2014/13/", "/archive/2014/03/", "/archive/20x4/",
                     "/archive/2014/02/extra/", "/tags/no-such-tag/", "/tags/gemini/?0",
                     "/tags/gemini/?abc"):
            self.assertEqual(self.get(path).status, 51, path)

    # Home ----------------------------------------------------------------------
    def test_home_is_generated_without_index_gmi_and_the_file_with_one(self):
        r = self.get("/")
        self.assertEqual(r.status, 20)
        self.assertTrue(r.text.startswith("# "), r.text[:80])
        self.assertIn("## Latest articles", r.text)
        rows = article_lines(r.text)
        self.assertEqual({row[:2] for row in rows[:2]}, {
            ("/articles/2022/09/notes-on-gemtext.gmi", "2022-09-02"),
            ("/articles/2022/09/late-desk-note.md", "2022-09-02")})
        self.assertEqual(sorted(rows, key=lambda row: row[1], reverse=True), rows)
        for link in ("=> /archive/ ", "=> /tags/ ", "=> /search ", "=> /atom.xml "):
            self.assertIn(link, r.text)
        gopher = self.gopher("/")
        self.assertEqual([s for _, s in article_items(gopher)][:len(rows)], [p for p, _, _ in rows])
        self.assertIn(("7", "/search"), [(k, s) for k, _, s in menu_items(gopher)])
        index = os.path.join(self.root, "index.gmi")
        shutil.copy(os.path.join(self.base, "index.gmi"), index)
        os.chmod(index, 0o644)
        try:
            with open(index, "rb") as f:
                written = f.read()
            r = self.get("/")
            self.assertEqual(r.status, 20)
            self.assertEqual(r.body, written)
            gopher = self.gopher("/")
            items = menu_items(gopher)
            self.assertIn(("i", "The capsuled sample archive"), [(k, d) for k, d, _ in items])
            self.assertNotIn(("i", "Latest articles"), [(k, d) for k, d, _ in items])
            self.assertIn(("7", "/search"), [(k, s) for k, _, s in items])
        finally:
            os.unlink(index)
        self.assertIn("## Latest articles", self.get("/").text)

    def test_undated_article_is_listed_apart_never_as_news(self):
        home = self.get("/").text
        self.assertNotIn(UNDATED_PATH, home)
        self.assertNotIn(UNDATED_PATH, self.get("/atom.xml").text)
        years = self.get("/archive/").text
        self.assertIn("=> /archive/undated/ Undated (1 article)\n", years)
        self.assertNotIn(datetime.date.today().strftime("=> /archive/%Y/ "), years)
        r = self.get("/archive/undated/")
        self.assertEqual(r.status, 20, r)
        self.assertIn("=> %s %s\n" % (UNDATED_PATH, UNDATED_TITLE), r.text)
        items = menu_items(self.gopher("/archive/undated/"))
        self.assertIn(("0", UNDATED_TITLE, UNDATED_PATH), items)
        found = self.search(UNDATED_WORD).text
        self.assertIn("=> %s %s\n" % (UNDATED_PATH, UNDATED_TITLE), found)

    # Articles in their page (issue 12) ----------------------------------------
    def test_article_page_leads_to_its_neighbours_month_and_tags(self):
        lines = self.get(SEED_PATH).text.split("\n")
        self.assertEqual(lines[0], "# " + SEED_TITLE)
        self.assertRegex(lines[1], r"^=> /archive/2014/02/ 3 February 2014 · \d+ min read$")
        early = "/articles/2014/02/early-february-notes.md"
        talks = "/articles/2014/02/talks-resume-in-geneva.md"
        self.assertEqual([line for line in lines if line][-4:], [
            "=> %s Previous: Early February notes" % early,
            "=> %s Next: Talks resume in Geneva" % talks,
            "=> /archive/2014/02/ All articles of February 2014",
            "=> /archive/ The archive"])
        # Next, then back: the neighbours in date order both ways.
        lines = self.get(talks).text.split("\n")
        self.assertIn("=> %s Previous: %s" % (SEED_PATH, SEED_TITLE), lines)
        self.assertIn("=> %s Next: Spring floods in the valley" % "/articles/2014/05/spring-floods.md",
                      lines)
        self.assertIn("=> /tags/gemini/ Tag: gemini", lines[:4])
        md = self.get(MD_PATH).text.split("\n")
        self.assertEqual(md[1], "=> /archive/2021/03/ 14 March 2021 · By Sam Rivera · 1 min read")
        self.assertEqual(md[2:5], ["=> /tags/archive/ Tag: archive", "=> /tags/formats/ Tag: formats",
                                   "=> /tags/gemini/ Tag: gemini"])
        self.assertIn((MD_PATH, "2021-03-14"),
                      [(p, d) for p, d, _ in article_lines(self.get("/tags/formats/").text)])
        # The undated article: no neighbours, the undated page.
        undated = [line for line in self.get(UNDATED_PATH).text.split("\n") if line][-2:]
        self.assertEqual(undated, ["=> /archive/undated/ Undated articles", "=> /archive/ The archive"])

    def test_gopher_text_carries_the_same_head_and_foot(self):
        head, _, foot = article_parts(text_lines(self.gopher(SEED_PATH)))
        self.assertEqual(head[:2], [SEED_TITLE, "=" * len(SEED_TITLE)])
        self.assertRegex(head[2], r"^3 February 2014 · \d+ min read$")
        url = "  gopher://localhost:%d/" % self.server.gopher_port
        self.assertEqual(foot, [
            "Previous: Early February notes",
            url + "0/articles/2014/02/early-february-notes.md",
            "Next: Talks resume in Geneva", url + "0/articles/2014/02/talks-resume-in-geneva.md",
            "All articles of February 2014", url + "1/archive/2014/02/",
            "The archive", url + "1/archive/"])
        head, _, _ = article_parts(text_lines(self.gopher(MD_PATH)))
        self.assertEqual(head[2:], ["14 March 2021 · By Sam Rivera · 1 min read",
                                    "Tags: archive, formats, gemini"])

    # The directory rule and robots.txt -----------------------------------------
    def test_generated_folders_answer_31_without_their_slash(self):
        for path in ("/archive", "/tags", "/archive/2014", "/archive/undated", "/tags/gemini"):
            r = self.get(path)
            self.assertEqual((r.status, r.meta), (31, path + "/"), path)
            self.assertEqual(self.get(path + "/").status, 20, path)
        self.assertEqual(self.get("/tags/gemini/atom.xml").status, 20)
        # Gopher has no redirect: the folder is served as with its slash.
        self.assertEqual(self.gopher("/tags"), self.gopher("/tags/"))
        self.assertEqual(self.gopher("/archive/2014"), self.gopher("/archive/2014/"))

    def test_robots_txt_generated_on_both_sides_and_replaced_by_a_file(self):
        r = self.get("/robots.txt")
        self.assertEqual((r.status, r.meta), (20, "text/plain; charset=utf-8"))
        rules = [line for line in r.text.split("\n") if line and not line.startswith("#")]
        self.assertEqual(rules, ["User-agent: *", "Disallow: /search"])
        gopher = [line for line in text_lines(self.gopher("/robots.txt"))
                  if line and not line.startswith("#")]
        self.assertEqual(gopher, rules)
        path = os.path.join(self.root, "robots.txt")
        write(path, "User-agent: *\nDisallow: /\n")
        os.chmod(path, 0o644)
        try:
            r = self.get("/robots.txt")
            self.assertEqual((r.status, r.text), (20, "User-agent: *\nDisallow: /\n"))
            self.assertTrue(r.meta.startswith("text/plain"), r.meta)
            self.assertEqual(text_lines(self.gopher("/robots.txt")),
                             ["User-agent: *", "Disallow: /"])
        finally:
            os.unlink(path)

    # Feed ----------------------------------------------------------------------
    def assertAtom(self, r, feed_path, page_path):
        """A well-formed RFC 4287 feed (xmllint, every required element) at
        feed_path, the alternate of page_path; its entries' ids."""
        self.assertEqual(r.status, 20)
        self.assertEqual(r.meta, "application/atom+xml")
        if shutil.which("xmllint"):
            lint = subprocess.run(["xmllint", "--noout", "-"], input=r.body, capture_output=True)
            self.assertEqual(lint.returncode, 0, lint.stderr.decode())
        feed = ET.fromstring(r.body)
        self.assertEqual(feed.tag, ATOM + "feed")
        base = "gemini://localhost:%d/" % self.server.port
        for name in ("id", "title", "updated"):
            self.assertEqual(len(feed.findall(ATOM + name)), 1, name)
        self.assertEqual(feed.findtext(ATOM + "id"), base + page_path[1:])
        self.assertTrue(feed.findtext(ATOM + "title").strip())
        feed_updated = rfc3339(feed.findtext(ATOM + "updated"))
        links = {l.get("rel"): l.get("href") for l in feed.findall(ATOM + "link")}
        self.assertEqual(links.get("self"), base + feed_path[1:])
        self.assertEqual(links.get("alternate"), base + page_path[1:])
        entries = feed.findall(ATOM + "entry")
        feed_author = feed.find(ATOM + "author")
        ids, summaries = [], {}
        for entry in entries:
            for name in ("id", "title", "updated"):
                self.assertEqual(len(entry.findall(ATOM + name)), 1, name)
            entry_id = entry.findtext(ATOM + "id")
            self.assertTrue(entry_id.startswith(base + "articles/"), entry_id)
            ids.append(entry_id)
            self.assertTrue(entry.findtext(ATOM + "title").strip())
            # RFC 4287 4.2.15: the feed's updated is its latest change.
            self.assertLessEqual(rfc3339(entry.findtext(ATOM + "updated")), feed_updated,
                                 "%s updated after the feed" % entry_id)
            author = entry.find(ATOM + "author")
            if author is None:
                author = feed_author
            self.assertIsNotNone(author, entry_id)
            self.assertTrue(author.findtext(ATOM + "name").strip())
            alternates = [l.get("href") for l in entry.findall(ATOM + "link")
                          if l.get("rel", "alternate") == "alternate"]
            self.assertTrue(alternates or entry.find(ATOM + "content") is not None, entry_id)
            for href in alternates:
                self.assertTrue(href.startswith(base), href)
            summary = entry.findtext(ATOM + "summary") or ""
            # Issue 12: a summary cut short ends on a word and an ellipsis.
            self.assertLessEqual(len(summary.encode()), 200, summary)
            if summary.endswith("…"):
                self.assertRegex(summary, r"\w…$")
            summaries[entry_id] = summary
        self.assertEqual(len(set(ids)), len(entries))
        if entries:
            newest = max(rfc3339(e.findtext(ATOM + "updated")) for e in entries)
            self.assertEqual(feed_updated, newest)
        return ids, summaries

    def test_atom_feed_is_well_formed_rfc4287(self):
        ids, summaries = self.assertAtom(self.get("/atom.xml"), "/atom.xml", "/")
        self.assertGreaterEqual(len(ids), 6)
        seed = "gemini://localhost:%d%s" % (self.server.port, SEED_PATH)
        self.assertIn(seed, ids)
        # The seed's first paragraph is longer than a summary.
        self.assertTrue(summaries[seed].startswith("US Secretary of State John Kerry said"))
        self.assertRegex(summaries[seed], r"\w…$")

    def test_tag_feed_is_well_formed_rfc4287(self):
        ids, _ = self.assertAtom(self.get("/tags/gemini/atom.xml"), "/tags/gemini/atom.xml",
                                 "/tags/gemini/")
        base = "gemini://localhost:%d" % self.server.port
        self.assertEqual(ids, [base + MD_PATH, base + "/articles/2014/02/talks-resume-in-geneva.md"])
        self.assertIn("=> /tags/gemini/atom.xml ", self.get("/tags/gemini/").text)
        self.assertEqual(self.get("/tags/no-such-tag/atom.xml").status, 51)
        # Over Gopher, a menu of the tag's newest articles.
        items = article_items(self.gopher("/tags/gemini/atom.xml"))
        self.assertEqual([s for _, s in items],
                         [MD_PATH, "/articles/2014/02/talks-resume-in-geneva.md"])
        self.assertIn(("1", "Newest articles", "/tags/gemini/atom.xml"),
                      menu_items(self.gopher("/tags/gemini/")))

    def test_feed_over_gopher_is_a_menu_of_the_newest_articles(self):
        # Issue 11: no Atom text full of gemini:// links over Gopher.
        raw = self.gopher("/atom.xml")
        self.assertNotIn(b"<feed", raw)
        self.assertNotIn(b"gemini://", raw)
        self.assertTrue(raw.endswith(b".\r\n"))
        items = [line.split(b"\t") for line in raw.split(b"\r\n")[:-2]]
        self.assertTrue(all(len(i) == 4 for i in items), raw[:300])
        self.assertIn(("0" + "2014-02-03 Russia and America discuss local ceasefires in Syria",
                       SEED_PATH),
                      [(i[0].decode(), i[1].decode()) for i in items])

    # Search --------------------------------------------------------------------
    def test_search_without_words_asks_for_input(self):
        r = self.get("/search")
        self.assertEqual(r.status, 10)
        # The prompt says the syntax in a few words.
        self.assertEqual(r.meta, 'Search the archive: words, "a phrase", prefix*, this OR that, '
                         '-without')
        items = menu_items(self.gopher("/search"))
        self.assertIn(("7", "/search"), [(k, s) for k, _, s in items])

    def test_search_finds_the_seed_by_a_word_of_its_body(self):
        for word in ("Brahimi", "lakhdar", "BRAHIMI"):
            r = self.search(word)
            self.assertEqual(r.status, 20, word)
            self.assertEqual([p for p, _, _ in article_lines(r.text)], [SEED_PATH], word)
            self.assertIn("1 article matches", r.text)
            # The snippet: the index keeps only the words of a .txt
            # article, so these come from the file, read back.
            self.assertIn("Aleppo.\u201d The Russian foreign minister confirmed that he,"
                          " Kerry and Lakhdar Brahimi,", r.text)

    def test_search_ignores_diacritics_both_ways(self):
        path = "/articles/2015/06/corner-cafe.md"
        for words in ("cafe", "café", "CAFÉ", "Cafe"):
            r = self.search(words)
            self.assertEqual(r.status, 20, words)
            self.assertEqual([p for p, _, _ in article_lines(r.text)], [path], words)
        self.assertEqual(article_lines(self.search("cafes").text), [])

    def test_search_quoted_phrase_matches_only_in_order(self):
        r = self.search('"local ceasefires"')
        self.assertEqual([p for p, _, _ in article_lines(r.text)], [SEED_PATH])
        r = self.search('"ceasefires local"')
        self.assertEqual(r.status, 20)
        self.assertEqual(article_lines(r.text), [])
        self.assertIn("No articles match", r.text)

    def test_search_prefix(self):
        # The Markdown sample links to the seed as "2014 ceasefire report".
        r = self.search("ceasef*")
        self.assertEqual([p for p, _, _ in article_lines(r.text)], [SEED_PATH, MD_PATH])
        self.assertEqual(article_lines(self.search("ceasef").text), [])

    def test_search_or_and_leaving_out(self):
        r = self.search("Brahimi OR %s" % UNDATED_WORD)
        self.assertEqual({p for p, _ in re.findall(r"^=> (/\S+) (.*)$", r.text, re.M)
                          if p.startswith(("/articles/", "/about/"))}, {SEED_PATH, UNDATED_PATH})
        self.assertIn("2 articles match", r.text)
        # ceasef* finds the seed and the Markdown post that links to it.
        r = self.search("ceasef* -report")
        self.assertEqual([p for p, _, _ in article_lines(r.text)], [SEED_PATH])
        self.assertIn('\nSearch for words, "a phrase", prefix*, this OR that, -without.\n', r.text)
        # Nothing matches: the same search with a word less.
        r = self.search("brahimi zzqxv")
        self.assertIn("No articles match.", r.text)
        self.assertIn('=> /search?brahimi Without "zzqxv": brahimi', r.text.split("\n"))
        self.assertEqual([p for p, _, _ in article_lines(self.search("brahimi").text)], [SEED_PATH])
        # Over Gopher, the same search.
        items = article_items(self.gopher("/search\tceasef* -report"))
        self.assertEqual([s for _, s in items], [SEED_PATH])

    def test_search_results_are_paged(self):
        first = self.search(PAGED_WORD)
        self.assertEqual(first.status, 20)
        self.assertIn("%d articles match" % PAGED_COUNT, first.text)
        rows1 = article_lines(first.text)
        self.assertEqual(len(rows1), 20)
        self.assertIn("=> /search/2?%s " % PAGED_WORD, first.text)
        second = self.search(PAGED_WORD, page=2)
        self.assertEqual(second.status, 20)
        rows2 = article_lines(second.text)
        self.assertEqual(len(rows2), PAGED_COUNT - 20)
        self.assertNotIn("/search/3?", second.text)
        self.assertIn("=> /search/1?%s " % PAGED_WORD, second.text)
        paths = {p for p, _, _ in rows1 + rows2}
        self.assertEqual(paths, {"/articles/2013/01/paged-%02d.md" % (i + 1)
                                 for i in range(PAGED_COUNT)})
        third = self.search(PAGED_WORD, page=3)
        self.assertEqual(third.status, 20)
        self.assertEqual(article_lines(third.text), [])
        self.assertEqual(self.get("/search/0?" + PAGED_WORD).status, 51)

    def assertClearSearchAnswer(self, r, what):
        self.assertIn(r.status, (20, 59), "%s: %r" % (what, r))
        self.assertIsNone(LEAKS.search(r.meta), "%s: %r" % (what, r.meta))
        if r.status == 20:
            self.assertTrue(r.text.startswith("# Search results"), what)
            self.assertIsNone(LEAKS.search(r.text), "%s: %s" % (what, r.text[:300]))
            self.assertRegex(r.text, r"No articles match|No words to search for|articles? match",
                             what)

    def test_bad_queries_get_a_clear_answer(self):
        queries = ['"unbalanced', 'syria"', "AND OR NOT", "title:syria", "NEAR(syria",
                   "NEAR(syria kerry, 2)", "syria OR", "-syria", "^syria", "{title body}: x",
                   "*", '"', "'", "'; DROP TABLE articles; --", "a" * 900,
                   "a" + "é" * 140, " ".join(["w%d" % i for i in range(120)])]
        for words in queries:
            r = self.search(words)
            self.assertClearSearchAnswer(r, words[:40])
            self.assertEqual(r.status, 20, words[:40])
        # Raw bytes a client could send: malformed escapes and NUL are 59.
        for raw in ("%00", "syria%00", "%ZZ", "%C3", "%FF%FE", "%"):
            r = self.get("/search?" + raw)
            self.assertClearSearchAnswer(r, raw)
            self.assertEqual(r.status, 59, raw)
        # 1,000 words (or one 1,000-character word) cannot fit the 1024-byte
        # request line: a clear 59, not a truncated search.
        for words in (" ".join(["w"] * 1000), "b" * 1000):
            r = self.search(words)
            self.assertEqual(r.status, 59, r)
        self.assertEqual(article_lines(self.search("Brahimi").text)[0][0], SEED_PATH)
        self.assertEqual(self.server.proc.poll(), None)

    def test_gopher_search_returns_a_menu(self):
        items = article_items(self.gopher("/search\tsyria"))
        self.assertIn(SEED_PATH, [s for _, s in items])
        for words in ('"unbalanced', "AND OR NOT", "title: NEAR(", "w " * 500, "c" * 1000):
            raw = self.server.gopher(b"/search\t" + words.encode()[:1000] + b"\r\n")
            text = raw.decode("utf-8")
            self.assertTrue(raw.endswith(b".\r\n"), words[:20])
            self.assertIsNone(LEAKS.search(text), text[:300])
            self.assertNotIn("Server error", text)

    # Live updates -------------------------------------------------------------
    def month_rows(self, month):
        r = self.get(month)
        return r.status, article_lines(r.text) if r.status == 20 else []

    def until(self, probe, ok):
        """Call probe() until ok(result) or the deadline; return the last result."""
        end = time.monotonic() + DEADLINE
        while True:
            got = probe()
            if ok(got) or time.monotonic() > end:
                return got
            time.sleep(0.1)

    def test_added_modified_and_deleted_articles_are_followed(self):
        month = "/archive/2016/11/"
        path = "/articles/2016/11/live-ferry-story.md"
        fresh_month = "/archive/2033/04/"
        fresh_path = "/articles/2033/04/new-directory-story.md"
        file_path = os.path.join(self.root, path[1:])
        # The article before it over Gopher, rendered and kept now: its
        # foot must follow the new neighbour.
        harbour = "/articles/2016/11/harbour-bridge-reopens.txt"
        self.assertNotIn("Next: Ferry timetable announced", text_lines(self.gopher(harbour)))
        write(file_path, markdown("Ferry timetable announced", "2016-11-20",
                                  "The quokkaferry service starts next week."))
        os.chmod(file_path, 0o644)
        write(os.path.join(self.root, fresh_path[1:]),
              markdown("Story in a new directory", "2033-04-02", "Mentions wombatlantern."))
        make_readable(os.path.join(self.root, "articles", "2033"))

        _, rows = self.until(lambda: self.month_rows(month),
                                  lambda got: path in [p for p, _, _ in got[1]])
        self.assertEqual([(p, t) for p, _, t in rows][:2], [
            (path, "Ferry timetable announced"),
            ("/articles/2016/11/harbour-bridge-reopens.txt",
             "Harbour bridge reopens after two years of repairs")])
        self.assertIn(path, [s for _, s in article_items(self.gopher(month))])
        self.assertIn("Next: Ferry timetable announced", text_lines(self.gopher(harbour)))
        found = self.until(lambda: article_lines(self.search("quokkaferry").text), bool)
        self.assertEqual([p for p, _, _ in found], [path])
        _, rows = self.until(lambda: self.month_rows(fresh_month), lambda got: got[1])
        self.assertEqual([p for p, _, _ in rows], [fresh_path])
        self.assertEqual([p for p, _, _ in article_lines(self.search("wombatlantern").text)],
                         [fresh_path])

        with open(file_path, "w", encoding="utf-8") as f:
            f.write(markdown("Ferry timetable postponed", "2016-11-20",
                             "The quokkaferry service is delayed."))
        _, rows = self.until(lambda: self.month_rows(month),
                                  lambda got: (path, "2016-11-20", "Ferry timetable postponed")
                                  in got[1])
        self.assertIn((path, "2016-11-20", "Ferry timetable postponed"), rows)
        self.assertNotIn("Ferry timetable announced", self.get(month).text)
        self.assertIn("2016-11-20 Ferry timetable postponed",
                      [d for d, _ in article_items(self.gopher(month))])
        self.assertIn("postponed", self.search("quokkaferry").text)
        self.assertIn("Next: Ferry timetable postponed", text_lines(self.gopher(harbour)))

        os.unlink(file_path)
        shutil.rmtree(os.path.join(self.root, "articles", "2033"))
        _, rows = self.until(lambda: self.month_rows(month),
                                  lambda got: path not in [p for p, _, _ in got[1]])
        self.assertEqual([p for p, _, _ in rows], ["/articles/2016/11/harbour-bridge-reopens.txt"])
        self.assertNotIn(path, [s for _, s in article_items(self.gopher(month))])
        self.assertNotIn("Next: Ferry timetable postponed", text_lines(self.gopher(harbour)))
        self.assertEqual(article_lines(self.search("quokkaferry").text), [])
        self.assertEqual(self.until(lambda: self.get(fresh_month).status, lambda s: s == 51), 51)
        self.assertEqual(article_lines(self.search("wombatlantern").text), [])


class StateDirectoryTest(unittest.TestCase):
    """A state directory that cannot be written stops the start, naming it."""

    def setUp(self):
        self.base = tempfile.mkdtemp(prefix="capsuled-state-")
        os.chmod(self.base, 0o755)
        self.root = os.path.join(self.base, "root")
        write(os.path.join(self.root, "index.gmi"), "# Root\n")
        make_readable(self.root)

    def tearDown(self):
        shutil.rmtree(self.base, ignore_errors=True)

    def run_capsuled(self, state_dir, *extra):
        log = os.path.join(self.base, "capsuled.log")
        cmd = [BINARY, "--host", "localhost", "--root", self.root, "--listen", "127.0.0.1",
               "--port", str(free_port()), "--gopher-port", "0",
               "--cert-dir", os.path.join(self.base, "certs"), "--state-dir", state_dir,
               "--log", log, "--archive", "yes"] + list(extra)
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=15)
        except subprocess.TimeoutExpired:
            self.fail("capsuled kept running with an unusable state directory %s" % state_dir)
        text = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
        if os.path.exists(log):
            with open(log, encoding="utf-8", errors="replace") as f:
                text += f.read()
        # An error exit must still be clean under the sanitizers.
        self.assertNotIn("Sanitizer", text)
        return proc.returncode, text

    def test_state_dir_under_a_regular_file(self):
        # As root no permission bit makes a directory unwritable, and a
        # read-only bind mount needs privileges a test should not use: a
        # path whose parent is a regular file cannot be created by anyone.
        blocker = os.path.join(self.base, "plain-file")
        write(blocker, "not a directory\n")
        state = os.path.join(blocker, "var")
        rc, text = self.run_capsuled(state, "--user", "")
        self.assertNotEqual(rc, 0, text)
        self.assertIn(state, text)
        self.assertNotIn(" serving with ", text)

    def test_state_dir_that_is_a_file(self):
        state = os.path.join(self.base, "state-file")
        write(state, "not a directory\n")
        rc, text = self.run_capsuled(state, "--user", "")
        self.assertNotEqual(rc, 0, text)
        self.assertIn(state, text)

    def test_read_only_state_dir(self):
        # Root ignores mode bits, so as root the server drops to nobody
        # (which then cannot write the root-owned 0555 directory).
        state = os.path.join(self.base, "var")
        os.mkdir(state, 0o555)
        os.chmod(state, 0o555)
        user = ["--user", "nobody"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            os.makedirs(os.path.join(self.base, "certs"))
            os.chmod(os.path.join(self.base, "certs"), 0o755)
        rc, text = self.run_capsuled(state, *user)
        self.assertNotEqual(rc, 0, text)
        self.assertIn(state, text)
        self.assertRegex(text, r"not writable|Permission denied|read-only")

    def test_an_index_that_cannot_be_opened_stops_the_start_with_its_reason_alone(self):
        # Found only by the server process: it ends, its key process leaves
        # with it, and the log says why once, with no restart of either.
        state = os.path.join(self.base, "var")
        os.makedirs(os.path.join(state, "archive.db"))
        rc, text = self.run_capsuled(state, "--user", "")
        self.assertNotEqual(rc, 0, text)
        self.assertIn("cannot use the index %s" % os.path.join(state, "archive.db"), text)
        self.assertNotIn("key process (pid", text)
        self.assertNotIn("starting it again", text)
        self.assertNotIn(" serving with ", text)

if __name__ == "__main__":
    unittest.main()
