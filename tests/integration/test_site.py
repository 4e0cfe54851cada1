"""One site layer for both protocols (issue 11), as readers see it.

A saved news page full of site chrome (tests/integration/pages/) is read
over Gopher by curl, lynx and sacc: the article text, never the markup or
the site's navigation.  Then both sides are compared on the same tree:
the same entries for a folder, the same sizes, the same widths, the same
rule for what is an article (article_paths, well-known plain files).
"""
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import Server
from test_gopher import columns, curl, menu_items, text_lines

PAGES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pages")
ARTICLE = "/articles/2024/05/harbour-ferry-strike-ends.html"
OTHER = "/articles/2024/05/bridge-queues.html"
TITLE = "Harbour ferry strike ends after pay deal"
# Words only the site's chrome holds: navigation, banners, footers, scripts.
CHROME = ("Skip to content", "Accept all cookies", "Science & Tech", "Offbeat",
          "Related headline number", "Share on Facebook", "Sign up to our morning briefing",
          "All rights reserved", "dataLayer", "trackPageView", "Advertisement",
          "daily tide logo")
BODY = ("Ferry crews on the harbour routes will return to work on Monday",
        "Services on the night route will resume first")
WIDE_TITLE = "Rocket launch \U0001F680 watched from 東京 by crowds at dawn"
BIG = 1048575


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def build_tree(base):
    root = os.path.join(base, "root")
    j = os.path.join
    os.makedirs(j(root, "articles", "2024", "05"))
    for name in ("harbour-ferry-strike-ends.html", "bridge-queues.html"):
        shutil.copy(j(PAGES, name), j(root, "articles", "2024", "05", name))
    write(j(root, "articles", "2024", "05", "rocket.md"),
          "---\ntitle: \"%s\"\ndate: 2024-05-20\n---\n\nThe launch was seen far away.\n" % WIDE_TITLE)
    write(j(root, "articles", "2024", "05", "notes.bin"), b"\x00" * 2048)
    write(j(root, "files", "big.bin"), b"\x00" * BIG)
    write(j(root, "files", "small.bin"), b"\x01" * 812)
    write(j(root, "robots.txt"), "User-agent: *\nDisallow: /private/\n")
    write(j(root, "favicon.txt"), "\U0001F6A2\n")
    write(j(root, ".well-known", "security.txt"), "Contact: mailto:security@example.org\n")
    write(j(root, "notes", "todo.txt"), "Plain notes, not an article.\n")
    for dirpath, _dirs, files in os.walk(base):
        os.chmod(dirpath, 0o755)
        for name in files:
            os.chmod(os.path.join(dirpath, name), 0o644)
    return root


def gemini_listing(text):
    """(link, label) of each link line of a gemtext page."""
    return [tuple(m.groups()) for m in re.finditer(r"(?m)^=> (\S+) (.*)$", text)]


class SiteTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.base = tempfile.mkdtemp(prefix="capsuled-site-")
        os.chmod(cls.base, 0o755)
        cls.root = build_tree(cls.base)
        cls.server = Server(root=cls.root)
        cls.server.start()
        cls.port = cls.server.gopher_port
        cls.wait_indexed()

    @classmethod
    def wait_indexed(cls):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if TITLE in cls.server.gemini("/archive/2024/05/").text:
                return
            time.sleep(0.2)
        raise AssertionError("the archive never listed the article")

    @classmethod
    def tearDownClass(cls):
        cls.server.finish(cls.base)

    def url(self, type_char, selector):
        return "gopher://127.0.0.1:%d/%s%s" % (self.port, type_char, selector)

    def items(self, selector):
        return menu_items(self.server.gopher(selector + "\r\n"))

    def assert_article_text(self, text):
        self.assertIn(TITLE, text)
        for words in BODY:
            self.assertIn(words, " ".join(text.split()))
        for chrome in CHROME:
            self.assertNotIn(chrome, text)
        self.assertNotRegex(text, r"<[a-zA-Z/!]")

    # An HTML article over Gopher --------------------------------------------
    def test_html_article_is_the_converted_text(self):
        lines = text_lines(self.server.gopher(ARTICLE + "\r\n"))
        text = "\n".join(lines)
        self.assert_article_text(text)
        # The page's head (issue 12): title, then date, author, reading time.
        self.assertEqual(lines[:2], [TITLE, "=" * len(TITLE)])
        self.assertRegex(lines[2], r"^17 May 2024 \u00b7 By Mara Quill \u00b7 \d+ min read$")
        for line in lines:
            if " " in line:   # a longer word (a URL) stands alone
                self.assertLessEqual(columns(line), 67, line)
        # Links as [n] references; our own targets stay in Gopher.
        self.assertIn("queues at the bridge grow [1]", " ".join(lines))
        self.assertIn("Links:", lines)
        self.assertIn("[1] gopher://localhost:%d/0%s" % (self.port, OTHER), lines)
        self.assertIn("[2] https://port.example.org/deal.pdf", lines)
        self.assertIn("Original article: https://news.example.org/story/harbour-ferry-strike-ends",
                      " ".join(lines))
        saved = lines.index("Saved page:")
        self.assertEqual(lines[saved + 1], "gopher://localhost:%d/h%s?raw" % (self.port, ARTICLE))
        # Then the page's foot: the way on, as on Gemini.
        self.assertEqual(lines[saved + 2], "")
        self.assertEqual(lines[-2:], ["The archive", "  gopher://localhost:%d/1/archive/" % self.port])

    def test_saved_page_is_the_raw_original(self):
        with open(os.path.join(PAGES, "harbour-ferry-strike-ends.html"), "rb") as f:
            self.assertEqual(self.server.gopher(ARTICLE + "?raw\r\n"), f.read())

    def test_html_article_listed_as_a_text_item(self):
        items = self.items("/articles/2024/05/")
        self.assertIn(("0", "2024-05-17 " + TITLE, ARTICLE, "localhost", self.port), items)

    @unittest.skipUnless(shutil.which("curl"), "needs curl")
    def test_curl_reads_the_article(self):
        r = curl(self.url("0", ARTICLE))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_article_text(r.stdout.decode("utf-8"))

    @unittest.skipUnless(shutil.which("lynx"), "needs lynx")
    def test_lynx_reads_the_article(self):
        r = subprocess.run(["lynx", "-dump", "-nolist", "-width=100", self.url("0", ARTICLE)],
                           capture_output=True, timeout=20, env=dict(os.environ, TERM="dumb"))
        self.assertEqual(r.returncode, 0, r.stderr)
        text = r.stdout.decode("utf-8")
        self.assert_article_text(text)
        self.assertLess(len(text.splitlines()), 60)

    @unittest.skipUnless(shutil.which("sacc") and shutil.which("tmux"), "needs sacc and tmux")
    def test_sacc_reads_the_article(self):
        tmux = ["tmux", "-L", "capsuled-site-%d" % os.getpid()]
        try:
            subprocess.run(tmux + ["new-session", "-d", "-x", "100", "-y", "50", "-s", "sacc",
                                   "env TERM=xterm-256color sacc " + self.url("0", ARTICLE)],
                           check=True)
            screen = ""
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and BODY[0][:40] not in screen:
                time.sleep(0.2)
                screen = subprocess.run(tmux + ["capture-pane", "-p", "-t", "sacc"],
                                        capture_output=True, text=True).stdout
            self.assertIn(TITLE, screen)
            self.assertIn(BODY[0][:40], screen)
            for chrome in CHROME:
                self.assertNotIn(chrome, screen)
            self.assertNotIn("<html", screen)
        finally:
            subprocess.run(tmux + ["kill-server"], capture_output=True)

    # Both sides agree ---------------------------------------------------------
    def test_same_entries_for_a_folder(self):
        for folder in ("/articles/2024/05/", "/files/"):
            gemini = [label for _link, label in gemini_listing(self.server.gemini(folder).text)
                      if label != "Parent directory"]
            gopher = []
            for kind, display, selector, *_ in self.items(folder):
                if kind == "i" and display.startswith("  ") and gopher:
                    gopher[-1] += " " + display.strip()   # a title going on
                elif kind not in "i" and display != ".. (up)":
                    gopher.append(display)
            self.assertEqual(gemini, gopher, folder)
        self.assertIn("big.bin (1.0 MiB)", gemini)

    def test_same_sizes(self):
        self.assertIn("=> big.bin big.bin (1.0 MiB)\n", self.server.gemini("/files/").text)
        self.assertIn(("9", "big.bin (1.0 MiB)", "/files/big.bin", "localhost", self.port),
                      self.items("/files/"))
        self.assertIn(("9", "small.bin (812 B)", "/files/small.bin", "localhost", self.port),
                      self.items("/files/"))

    def test_wide_title_whole_within_the_width(self):
        items = self.items("/articles/2024/05/")
        start = next(i for i, item in enumerate(items) if item[2].endswith("/rocket.md"))
        shown = [items[start][1]]
        for kind, display, *_ in items[start + 1:]:
            if kind != "i" or not display.startswith("  "):
                break
            shown.append(display.strip())
        for piece in shown:
            self.assertLessEqual(columns(piece), 67, piece)
        self.assertEqual(" ".join(shown), "2024-05-20 " + WIDE_TITLE)
        self.assertIn("2024-05-20 " + WIDE_TITLE, self.server.gemini("/articles/2024/05/").text)

    def test_one_search_item_at_the_root(self):
        searches = [item for item in self.items("/") if item[0] == "7"]
        self.assertEqual([s[2] for s in searches], ["/search"])

    # What is an article --------------------------------------------------------
    def test_well_known_plain_files_are_not_articles(self):
        for path, first in (("/robots.txt", "User-agent: *"), ("/favicon.txt", "\U0001F6A2"),
                            ("/.well-known/security.txt", "Contact:")):
            r = self.server.gemini(path)
            self.assertEqual(r.status, 20, path)
            self.assertTrue(r.meta.startswith("text/plain"), (path, r.meta))
            self.assertTrue(r.text.startswith(first), path)
            self.assertTrue(text_lines(self.server.gopher(path + "\r\n"))[0].startswith(first))
        undated = self.server.gemini("/archive/undated/").text
        for name in ("robots.txt", "favicon.txt", "security.txt"):
            self.assertNotIn(name, undated)


class SettingsTest(unittest.TestCase):
    """article_paths and directory_listing, obeyed by both protocols."""

    def test_no_listing_on_either_side(self):
        base = tempfile.mkdtemp(prefix="capsuled-site-nolist-")
        os.chmod(base, 0o755)
        root = build_tree(base)
        with Server(root=root, archive=False, args=("--directory-listing", "no")) as srv:
            for folder in ("/files/", "/files"):
                self.assertEqual(srv.gemini(folder).status, 51, folder)
                raw = srv.gopher(folder + "\r\n")
                self.assertTrue(raw.startswith(b"3"), (folder, raw[:80]))
            self.assertEqual(srv.gemini("/files/big.bin").status, 20)
        shutil.rmtree(base)

    def test_outside_article_paths_is_a_plain_file(self):
        base = tempfile.mkdtemp(prefix="capsuled-site-paths-")
        os.chmod(base, 0o755)
        root = build_tree(base)
        with Server(root=root, args=("--article-paths", "/articles/")) as srv:
            r = srv.gemini("/notes/todo.txt")
            self.assertEqual(r.status, 20)
            self.assertTrue(r.meta.startswith("text/plain"), r.meta)
            self.assertEqual(r.text, "Plain notes, not an article.\n")
            r = srv.gemini(ARTICLE)
            self.assertTrue(r.meta.startswith("text/gemini"), r.meta)
            self.assertEqual(text_lines(srv.gopher("/notes/todo.txt\r\n")),
                             ["Plain notes, not an article."])
        shutil.rmtree(base)


if __name__ == "__main__":
    unittest.main()
