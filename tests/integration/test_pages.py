"""Generated pages in bounded size (issues 12 and 16), over both protocols:
month and tag pages in pages of 100 linked both ways, each a gemlog page;
tags by use then A to Z; tags whose names a path cannot carry as they are;
the home page's title (the host name by default), description, count and
about text; a folder of the tree listed in pages too.
"""
import os
import re
import tempfile
import time
import unittest
from urllib.parse import quote

from harness import Server
from test_archive import article_lines, make_readable, menu_items, write

DEADLINE = 15
MONTH = "/archive/2012/03/"
MONTH_COUNT = 130
PAGE_SIZE = 100
QUESTION = "what next?"
# Its own title goes one level down on the home page, which has one already.
ABOUT_FILE = ("# About us\n## Who we are\n\nA desk of three, saving the news.\n"
              "=> /archive/ Everything we kept\n```\n# not a heading\n```\n")
ABOUT = ABOUT_FILE.replace("# About us", "## About us", 1)
DESCRIPTION = "Saved news from a small town"
FILES_COUNT = 250
LISTING_SIZE = 200


def build_tree(base):
    root = os.path.join(base, "root")
    for i in range(MONTH_COUNT):
        tags = ["bulk"] + ([QUESTION] if i % 3 == 0 else []) + ([".net"] if i == 7 else [])
        write(os.path.join(root, "articles", "2012", "03", "story-%03d.md" % i),
              "---\ntitle: \"Story %03d\"\ndate: 2012-03-%02d\ntags: [%s]\n---\n\nText %d.\n"
              % (i, i % 28 + 1, ", ".join('"%s"' % t for t in tags), i))
    write(os.path.join(root, "about.gmi"), ABOUT_FILE)
    for i in range(FILES_COUNT):
        write(os.path.join(root, "files", "f%03d.dat" % i), "x")
    make_readable(base)
    return root


class PagedArchiveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.base = tempfile.mkdtemp(prefix="capsuled-pages-")
        os.chmod(cls.base, 0o755)
        cls.root = build_tree(cls.base)
        cls.server = Server(root=cls.root, args=("--description", DESCRIPTION))
        cls.server.start()
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            r = cls.server.gemini("/")
            if r.status == 20 and "%d articles" % (MONTH_COUNT + 1) in r.text and \
                    "being built" not in r.text:
                break
            time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        cls.server.finish(cls.base)

    def get(self, path):
        r = self.server.gemini(path)
        # Issue 16: no generated page larger than 64 KB.
        self.assertLessEqual(len(r.body), 64 * 1024, path)
        return r

    def gopher(self, selector):
        return menu_items(self.server.gopher(selector.encode("utf-8") + b"\r\n"))

    def link(self, text, label):
        """The target of the link labelled label, or None."""
        m = re.search(r"^=> (\S+) %s$" % re.escape(label), text, re.M)
        return m.group(1) if m else None

    def walk(self, first):
        """Follow "Older articles" from first; every page's rows, and the
        pages' paths."""
        pages, path = [], first
        while path is not None:
            r = self.get(path)
            self.assertEqual(r.status, 20, path)
            self.assertTrue(r.text.startswith("# "), path)
            rows = article_lines(r.text)
            self.assertLessEqual(len(rows), PAGE_SIZE)
            pages.append((path, rows, r.text))
            path = self.link(r.text, "Older articles")
        return pages

    def assertSameOnGopher(self, path, rows):
        items = self.gopher(path)
        self.assertEqual([(s, d) for k, d, s in items if s.startswith("/articles/")],
                         [(p, "%s %s" % (date, title)) for p, date, title in rows])
        return items

    def test_month_pages_newest_first_linked_both_ways(self):
        pages = self.walk(MONTH)
        self.assertEqual([len(rows) for _, rows, _ in pages], [PAGE_SIZE, MONTH_COUNT - PAGE_SIZE])
        rows = [row for _, page, _ in pages for row in page]
        self.assertEqual(len({p for p, _, _ in rows}), MONTH_COUNT)
        self.assertEqual(sorted(rows, key=lambda row: row[1], reverse=True), rows)
        second_path, second, text = pages[1]
        self.assertRegex(second_path, r"^/archive/2012/03/\?before=2012-03-\d\d\.\d+$")
        self.assertEqual(self.link(text, "Newer articles"), MONTH)
        self.assertIsNone(self.link(pages[0][2], "Newer articles"))
        # Gopher: the same pages, the same links as menu items.
        items = self.assertSameOnGopher(MONTH, pages[0][1])
        self.assertIn(("1", "Older articles", second_path), items)
        items = self.assertSameOnGopher(second_path, second)
        self.assertIn(("1", "Newer articles", MONTH), items)

    def test_tag_a_path_cannot_carry_as_it_is_has_a_path_and_pages(self):
        r = self.get("/tags/")
        # A Gopher selector would read "?" as its query: "~3F" in the path.
        self.assertIn("=> /tags/what%%20next~3F/ %s (44 articles)" % QUESTION, r.text.split("\n"))
        self.assertIn("=> /tags/~2Enet/ .net (1 article)", r.text.split("\n"))
        self.assertNotIn("/tags//", r.text)
        # By use: the most used first.
        self.assertLess(r.text.index("=> /tags/bulk/ "), r.text.index("=> /tags/what%20next~3F/ "))
        pages = self.walk("/tags/what%20next~3F/")
        self.assertEqual(sum(len(rows) for _, rows, _ in pages), 44)
        self.assertIn("articles tagged %s" % QUESTION, pages[0][2].split("\n")[0])
        self.assertIn("=> /tags/what%20next~3F/atom.xml ", pages[0][2])
        self.assertSameOnGopher("/tags/what next~3F/", pages[0][1])
        self.assertEqual(len(self.walk("/tags/bulk/")), 2)
        self.assertEqual(len(article_lines(self.get("/tags/~2Enet/").text)), 1)
        self.assertEqual(self.get("/tags/what%20next~3f/").status, 51)
        self.assertEqual(self.get("/tags/.net/").status, 51)
        # The feed of such a tag.
        r = self.get("/tags/what%20next~3F/atom.xml")
        self.assertEqual(r.status, 20)
        self.assertIn('href="gemini://localhost:%d/tags/what%%20next~3F/atom.xml"' %
                      self.server.port, r.text)

    def test_home_title_description_count_and_about(self):
        r = self.get("/")
        self.assertTrue(r.text.startswith("# localhost\n\n%s\n%d articles in the archive.\n" %
                                          (DESCRIPTION, MONTH_COUNT)), r.text[:200])
        self.assertIn(ABOUT, r.text)
        self.assertLess(r.text.index(ABOUT), r.text.index("## Latest articles"))
        items = self.gopher("/")
        self.assertEqual(items[0], ("i", "localhost", ""))
        self.assertIn(("i", DESCRIPTION, ""), items)
        self.assertIn(("i", "A desk of three, saving the news.", ""), items)
        self.assertIn(("1", "Everything we kept", "/archive/"), items)
        # The generated headings say the host, not the program.
        self.assertTrue(self.get("/tags/").text.startswith("# localhost: tags\n"))

    def test_about_page_is_no_article(self):
        # The home page shows it; it is not listed, counted or searched.
        r = self.get("/archive/undated/")
        self.assertEqual(r.status, 20)
        self.assertNotIn("/about.gmi", r.text)
        self.assertNotIn("Undated (", self.get("/archive/").text)

    def test_directory_listing_in_pages(self):
        first = self.get("/files/")
        self.assertEqual(first.text.count("\n=> f"), LISTING_SIZE)
        self.assertEqual(self.link(first.text, "More entries"), "/files/?page=2")
        second = self.get("/files/?page=2")
        self.assertEqual(second.text.count("\n=> f"), FILES_COUNT - LISTING_SIZE)
        self.assertEqual(self.link(second.text, "Previous entries"), "/files/")
        self.assertIsNone(self.link(second.text, "More entries"))
        self.assertEqual(self.get("/files/?page=3").status, 51)
        items = self.gopher("/files/")
        self.assertEqual(len([i for i in items if i[2].startswith("/files/f")]), LISTING_SIZE)
        self.assertIn(("1", "More entries", "/files/?page=2"), items)
        items = self.gopher("/files/?page=2")
        self.assertEqual(len([i for i in items if i[2].startswith("/files/f")]),
                         FILES_COUNT - LISTING_SIZE)
        self.assertTrue(self.server.gopher(b"/files/?page=3\r\n").startswith(b"3"))

    def test_search_pages_stay_small(self):
        for words in ("text", "story*", quote("bulk OR politics")):
            self.assertEqual(self.get("/search?" + words).status, 20)
        self.assertEqual(self.get("/search/2?text").status, 20)


if __name__ == "__main__":
    unittest.main()
