"""The Gopher listener over real TCP, checked against gopher.md section 9.

Each test names the requirement it covers (R1..R17). Menus and texts are
read as raw bytes and parsed here, so a wrong byte fails a test; curl,
lynx and sacc then render the same pages as real users would.
"""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unicodedata
import unittest

from harness import SAMPLE_CAPSULE, Server, read_to_eof

WIDTH = 67
SEED_SELECTOR = "/articles/2014/02/russia-america-ceasefires.txt"
SEED_TITLE = "Russia and America discuss local ceasefires in Syria"
SEED_SOURCE = os.path.join(SAMPLE_CAPSULE, "articles", "2014", "02", "russia-america-ceasefires.txt")
BLOB = bytes(range(256)) * 40 + b"\r\n.\r\n\x00\n.\n"
LONG_LABEL = "An overly long link label " * 5
CJK_LABEL = "東京" * 30
CJK_DIR = "長" * 50
INDEX_GMI = """# Gopher test capsule
A paragraph of running text that is long enough to be wrapped into several info lines by the server, with 日本語 wide characters 東京都 in the middle of it.

=> articles/ Articles
=> about.md About this capsule
=> page.html A local page
=> img/blob.bin The blob
=> gemini://localhost/img/ Images via an absolute gemini link
=> gemini://localhost:1965/about.md
=> https://example.org/x?y=1 An external page
=> gemini://other.example/ Another capsule
=> mailto:editor@example.org Write to us
=> gopher://gopher.example:7070/0/notes.txt A remote gopher text
=> javascript:alert(1) Not a link
=> https://example.org/long {long}
=> https://example.org/cjk {cjk}
""".format(long=LONG_LABEL, cjk=CJK_LABEL)
DOTS_TEXT = ".\n.profile\n..\nplain line\n.\n"
BLOCKS_GMI = """## Blocks
tab\there
* a list item that is long enough to wrap around the sixty-seven column limit
> a quote that is long enough to wrap around the sixty-seven column limit of menus
```alt text
{pre}
\tindented
```
"""
BLOCKS_PRE = "P" * 100
LINKS_MD = "# Links\n\nSee [the blob](img/blob.bin) and [a site](https://example.org/).\n"
SNIFFED = {
    "gif-noext": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    "png-noext": b"\x89PNG\r\n\x1a\n" + b"\x00" * 16,
    "pdf-noext": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    "html-noext": b"  <!DOCTYPE html><html><body>hi</body></html>\n",
    "gzip-noext": b"\x1f\x8b\x08\x00" + b"\x00" * 16,
    "nul-noext": b"text then a NUL \x00 byte\n",
    "text-noext": "Plain UTF-8 text, café.\n".encode(),
}
ARTICLE_PATHS = "/articles/ /about.md /links.md /page.html"
SNIFFED_TYPES = {"gif-noext": "g", "png-noext": "I", "pdf-noext": "d", "html-noext": "h",
                 "gzip-noext": "9", "nul-noext": "9", "text-noext": "0"}


SEED_CHROME = ("clear", "Creating new perspectives since 2009")
SEED_DATELINE = "February 3, 2014 at 10:12 am"


def seed_article_words():
    """The words of the seed's body as converted (issue 11): the learned
    site chrome and the raw dateline, which Gemini readers do not get
    either, left out; the title and the date are the page's head."""
    with open(SEED_SOURCE, encoding="utf-8") as f:
        body = f.read().split(SEED_DATELINE, 1)[1]
    return body.split()


# The seed's page around its text (issue 12): title, byline, and the way on.
SEED_HEAD = [SEED_TITLE, "=" * len(SEED_TITLE), "3 February 2014 · 2 min read"]
FOOT_LABEL = re.compile(r"(Previous|Next): |All articles of |Undated articles$|The archive$|Home$")


def article_parts(lines):
    """(head, body, foot) of an article's text: the head up to its first
    blank line, the foot the links after its last one."""
    first = lines.index("")
    last = len(lines) - 1 - lines[::-1].index("")
    foot = lines[last + 1:]
    if not foot or FOOT_LABEL.match(foot[0]) is None:
        raise AssertionError("no page foot after the article: %r" % lines[-6:])
    return lines[:first], lines[first + 1:last], foot


def fits(line, width):
    """The line fits the width, or is one word longer than it standing
    alone (a URL), as the reflow never splits a word."""
    return columns(line) <= width or len(line.split()) == 1


def columns(text):
    """Display columns: East Asian wide and fullwidth count 2, combining marks 0."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def long_utf8_line(size):
    """One line of exactly size bytes: words mixing 1-, 2-, 3- and 4-byte characters."""
    words = ["naïve", "日本語の", "café", "Ελληνικά", "word", "😀smile", "Zürich", "東京"]
    out, i = b"", 0
    while True:
        word = words[i % len(words)].encode()
        i += 1
        if len(out) + 1 + len(word) > size:
            break
        out += (b" " if out else b"") + word
    return out + b"x" * (size - len(out))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def build_tree(base):
    root = os.path.join(base, "root")
    j = os.path.join
    write(j(root, "index.gmi"), INDEX_GMI)
    write(j(root, "about.md"), "# About this capsule\n\nA *small* test capsule.\n")
    write(j(root, "page.html"), "<!DOCTYPE html><html><body><p>Local page</p></body></html>\n")
    write(j(root, "img", "blob.bin"), BLOB)
    write(j(root, "long.txt"), long_utf8_line(5000) + b"\n")
    write(j(root, "oneword.txt"), "é".encode() * 2500 + b"\n")
    write(j(root, "dots.txt"), DOTS_TEXT)
    write(j(root, "blocks.gmi"), BLOCKS_GMI.format(pre=BLOCKS_PRE))
    write(j(root, "links.md"), LINKS_MD)
    write(j(root, "café.txt"), "Un café, s'il vous plaît.\n")
    write(j(root, "a#b.txt"), "hash in the name\n")
    write(j(root, "日本", "東京.txt"), "Tokyo text\n")
    write(j(root, CJK_DIR, "x.txt"), "inside a long-named directory\n")
    write(j(root, "z" * 120 + ".bin"), b"\x00\x01")
    write(j(root, ".hidden"), "secret\n")
    write(j(root, "caps.txt"), "CAPS\nCapsVersion=1\nServerDescription=from the tree\n")
    for name, data in SNIFFED.items():
        write(j(root, "types", name), data)
    for ym in ("2009/06", "2014/02", "2014/11", "2014/05", "2016/01", "2021/12"):
        write(j(root, "articles", ym, "story.txt"), "Story of %s\n\nSome text.\n" % ym)
    for name in ("Zeta", "alpha", "Beta", ".secret-dir"):
        os.makedirs(j(root, "misc", name))
    for name in ("banana.txt", "Apple.txt", "cherry.txt", ".dotfile.txt"):
        write(j(root, "misc", name), name + "\n")
    write(j(base, "outside.txt"), "OUTSIDE THE ROOT\n")
    os.symlink(j(base, "outside.txt"), j(root, "escape.txt"))
    os.symlink("/etc", j(root, "etc-link"))
    for dirpath, _dirs, files in os.walk(base):
        os.chmod(dirpath, 0o755)
        for name in files:
            os.chmod(os.path.join(dirpath, name), 0o644)
    return root


def menu_lines(raw):
    """Check the menu framing; return the lines without the final "."."""
    if not raw.endswith(b".\r\n"):
        raise AssertionError("menu does not end with .CRLF: %r" % raw[-80:])
    body = raw[:-3]
    if body and not body.endswith(b"\r\n"):
        raise AssertionError("menu line before . lacks CRLF: %r" % body[-80:])
    lines = body.split(b"\r\n")[:-1] if body else []
    for line in lines:
        if b"\r" in line or b"\n" in line:
            raise AssertionError("bare CR or LF inside a menu line: %r" % line)
    return [line.decode("utf-8") for line in lines]


def menu_items(raw):
    """(type, display, selector, host, port) for each menu line."""
    items = []
    for line in menu_lines(raw):
        fields = line.split("\t")
        if len(fields) != 4:
            raise AssertionError("menu line without four fields: %r" % line)
        display, selector, host, port = fields
        if not display or not re.fullmatch(r"[0-9]+", port):
            raise AssertionError("bad menu line: %r" % line)
        items.append((display[0], display[1:], selector, host, int(port)))
    return items


def text_lines(raw):
    """Check type-0 framing; return the lines, un-dot-stuffed, without the final "."."""
    if not raw.endswith(b"\r\n.\r\n") and raw != b".\r\n":
        raise AssertionError("text does not end with CRLF .CRLF: %r" % raw[-80:])
    body = raw[:-3]
    if re.search(rb"[^\r]\n|\r[^\n]", body) or body.startswith(b"\n"):
        raise AssertionError("text line not ended by CRLF")
    lines = [line.decode("utf-8") for line in body.split(b"\r\n")[:-1]]
    for line in lines:
        if line.startswith(".") and not line.startswith(".."):
            raise AssertionError("line starting with . is not dot-stuffed: %r" % line)
    return [line[1:] if line.startswith("..") else line for line in lines]


def is_error(raw):
    return re.fullmatch(rb"3[^\t\r\n]*\t[^\t\r\n]*\terror\.host\t1\r\n\.\r\n", raw) is not None


def curl(url, timeout=10):
    return subprocess.run(["curl", "-s", "--max-time", str(timeout), url],
                          capture_output=True, timeout=timeout + 5)


class GopherMixin:
    def fetch(self, selector):
        if isinstance(selector, str):
            selector = selector.encode()
        return self.server.gopher(selector + b"\r\n")

    def items(self, selector):
        return menu_items(self.fetch(selector))

    def assertError(self, raw, msg=None):
        self.assertTrue(is_error(raw), msg or raw[:200])


class GopherTreeTest(GopherMixin, unittest.TestCase):
    """A tree built for the requirements, archive off, a 2 s request timeout."""

    @classmethod
    def setUpClass(cls):
        cls.base = tempfile.mkdtemp(prefix="capsuled-gopher-")
        os.chmod(cls.base, 0o755)
        cls.root = build_tree(cls.base)
        # The plain texts of this tree are files, not articles.
        cls.server = Server(root=cls.root, archive=False, request_timeout=2,
                            args=("--article-paths", ARTICLE_PATHS))
        cls.server.start()
        cls.port = cls.server.gopher_port

    @classmethod
    def tearDownClass(cls):
        cls.server.finish(cls.base)

    def url(self, type_char, selector):
        return "gopher://127.0.0.1:%d/%s%s" % (self.port, type_char, selector)

    # R1 ----------------------------------------------------------------------
    def test_r1_every_menu_line_has_four_fields_and_crlf(self):
        for selector in ("", "/", "/articles/", "/articles/2014/", "/img/", "/misc/",
                         "/types/", "/日本/"):
            raw = self.fetch(selector)
            items = menu_items(raw)
            self.assertGreater(len(items), 1, selector)
            for kind, _display, selector_field, host, port in items:
                self.assertTrue(" " < kind <= "~", (selector, kind))
                if kind == "i":
                    self.assertEqual(selector_field, "")
                if host != "gopher.example":
                    self.assertEqual((host, port), ("localhost", self.port))
        self.assertEqual(self.fetch(""), self.fetch("/"))
        error = menu_items(self.fetch("/nope"))
        self.assertEqual([(k, s, h, p) for k, _d, s, h, p in error], [("3", "", "error.host", 1)])

    # R2 ----------------------------------------------------------------------
    def test_r2_display_strings_fit_67_columns(self):
        checked = 0
        for selector in ("/", "/articles/", "/types/", "/img/", "/日本/"):
            for kind, display, *_ in self.items(selector):
                checked += 1
                self.assertLessEqual(columns(display), WIDTH, (selector, kind, display))
        root = self.items("/")
        long_items = [d for _k, d, s, *_ in root if s == "URL:https://example.org/long"]
        self.assertEqual(len(long_items), 1)
        self.assertTrue(long_items[0].endswith("…"), long_items[0])
        self.assertTrue(long_items[0].startswith("An overly long link label"))
        cjk = [d for _k, d, s, *_ in root if s == "URL:https://example.org/cjk"]
        self.assertEqual(len(cjk), 1)
        self.assertTrue(cjk[0].endswith("…") and columns(cjk[0]) in (WIDTH - 1, WIDTH), cjk[0])
        long_dir = [d for k, d, s, *_ in root if s == "/%s/" % CJK_DIR]
        self.assertEqual(len(long_dir), 1)
        self.assertLessEqual(columns(long_dir[0]), WIDTH)
        self.assertGreater(checked, 40)

    # R3 ----------------------------------------------------------------------
    def test_r3_item_types_follow_extensions(self):
        root = {(k, s) for k, _d, s, *_ in self.items("/")}
        for expected in (("1", "/articles/"), ("1", "/img/"), ("0", "/about.md"),
                         ("0", "/page.html"), ("0", "/long.txt"), ("0", "/café.txt")):
            self.assertIn(expected, root)
        # Issue 11 (gopher.md R3): the saved page is the h item at ?raw.
        page = text_lines(self.fetch("/page.html"))
        self.assertIn("Local page", page)
        self.assertNotIn("<p>", " ".join(page))
        self.assertIn("Saved page: gopher://localhost:%d/h/page.html?raw" % self.port, page)
        self.assertEqual(self.fetch("/page.html?raw"),
                         b"<!DOCTYPE html><html><body><p>Local page</p></body></html>\n")
        self.assertNotIn("/index.gmi", {s for _k, s in root})
        self.assertIn(("i", "Gopher test capsule"), {(k, d) for k, d, *_ in self.items("/")})
        img = [(k, d, s) for k, d, s, *_ in self.items("/img/") if k != "i"]
        self.assertIn(("9", "blob.bin (%.1f KiB)" % (len(BLOB) / 1024), "/img/blob.bin"), img)
        self.assertIn(("1", ".. (up)", "/"), img)

    def test_r3_unknown_extensions_are_sniffed(self):
        types = {s: k for k, _d, s, *_ in self.items("/types/")}
        for name, expected in SNIFFED_TYPES.items():
            self.assertEqual(types.get("/types/" + name), expected, name)

    # R4 ----------------------------------------------------------------------
    def test_r4_binary_is_byte_identical(self):
        self.assertEqual(self.fetch("/img/blob.bin"), BLOB)

    @unittest.skipUnless(shutil.which("curl"), "needs curl")
    def test_r4_binary_via_curl(self):
        r = curl(self.url("9", "/img/blob.bin"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, BLOB)

    # R6 ----------------------------------------------------------------------
    def test_r6_long_single_line_reflowed_as_utf8(self):
        source = long_utf8_line(5000)
        self.assertEqual(len(source), 5000)
        raw = self.fetch("/long.txt")
        for line in raw.split(b"\r\n"):
            line.decode("utf-8")  # a cut inside a character raises here
        lines = text_lines(raw)
        self.assertGreater(len(lines), 40)
        for line in lines:
            self.assertLessEqual(columns(line), WIDTH, line)
            self.assertEqual(line, line.strip(" "))
        self.assertEqual(" ".join(lines).split(), source.decode().split())

    def test_r6_a_word_wider_than_the_line_stays_whole(self):
        lines = text_lines(self.fetch("/oneword.txt"))
        self.assertEqual(lines, ["é" * 2500])

    # R7 ----------------------------------------------------------------------
    def test_r7_dot_lines_are_stuffed(self):
        raw = self.fetch("/dots.txt")
        self.assertEqual(raw, b"..\r\n..profile\r\n...\r\nplain line\r\n..\r\n.\r\n")
        self.assertEqual(text_lines(raw), DOTS_TEXT.splitlines())

    # R8 ----------------------------------------------------------------------
    def test_r8_index_links_become_typed_items(self):
        items = {(k, d, s, h, p) for k, d, s, h, p in self.items("/")}
        own = ("localhost", self.port)
        expected = [
            ("1", "Articles", "/articles/") + own,
            ("0", "About this capsule", "/about.md") + own,
            ("0", "A local page", "/page.html") + own,
            ("9", "The blob", "/img/blob.bin") + own,
            ("1", "Images via an absolute gemini link", "/img/") + own,
            ("0", "gemini://localhost:1965/about.md", "/about.md") + own,
            ("h", "An external page", "URL:https://example.org/x?y=1") + own,
            ("h", "Another capsule", "URL:gemini://other.example/") + own,
            ("h", "Write to us", "URL:mailto:editor@example.org") + own,
            ("0", "A remote gopher text", "/notes.txt", "gopher.example", 7070),
            ("i", "Not a link", "") + own,
        ]
        for item in expected:
            self.assertIn(item, items)
        self.assertFalse([i for i in items if "javascript" in i[2]])

    def test_r8_text_lines_wrap_into_info_lines(self):
        info = [d for k, d, *_ in self.items("/") if k == "i"]
        start = next(i for i, d in enumerate(info) if d.startswith("A paragraph of running"))
        wrapped = []
        for line in info[start:]:
            if not line:
                break
            wrapped.append(line)
        self.assertGreater(len(wrapped), 1)
        self.assertEqual(" ".join(wrapped).split(), INDEX_GMI.splitlines()[1].split())

    def test_gemtext_blocks_render_as_info_lines(self):
        items = self.items("/blocks.gmi")
        self.assertEqual({k for k, *_ in items}, {"i"})
        self.assertEqual([d for _k, d, *_ in items], [
            "Blocks", "------", "tab     here",
            "  * a list item that is long enough to wrap around the sixty-seven",
            "    column limit",
            "> a quote that is long enough to wrap around the sixty-seven column",
            "> limit of menus",
            BLOCKS_PRE[:WIDTH], BLOCKS_PRE[WIDTH:], "        indented"])

    # R9 ----------------------------------------------------------------------
    def test_r9_url_page_escapes_and_refreshes(self):
        raw = self.fetch("URL:https://e.org/?a=<b>")
        html = raw.decode("utf-8")
        self.assertIn("&lt;b&gt;", html)
        self.assertNotIn("<b>", html)
        self.assertNotIn("<script", html.lower())
        m = re.search(r'<meta http-equiv="refresh" content="(\d+);\s*URL=([^"]*)"', html, re.I)
        self.assertIsNotNone(m, html)
        self.assertLessEqual(int(m.group(1)), 10)
        self.assertEqual(m.group(2), "https://e.org/?a=&lt;b&gt;")
        self.assertIn('href="https://e.org/?a=&lt;b&gt;"', html)
        self.assertNotRegex(html, r'(src|href)="(?!https://e\.org/)')

    def test_r9_url_page_refuses_other_schemes(self):
        for target in ("javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>",
                       "file:///etc/passwd", "gopher://h/1/"):
            self.assertError(self.fetch("URL:" + target), target)
        self.assertNotIn(b"root:", self.fetch("URL:file:///etc/passwd"))

    # R10 ---------------------------------------------------------------------
    def test_r10_non_ascii_selectors_are_raw_utf8(self):
        raw = self.fetch("/")
        self.assertIn("\t/café.txt\t".encode(), raw)
        self.assertIn("\t/日本/\t".encode(), raw)
        self.assertIn(b"\t/a#b.txt\t", raw)
        self.assertNotIn(b"%C3%A9", raw.upper())
        self.assertNotIn(b"%E6%97%A5", raw.upper())
        self.assertNotIn(b"%23", raw)
        self.assertEqual(text_lines(self.fetch("/café.txt")), ["Un café, s'il vous plaît."])
        self.assertIn("\t/日本/東京.txt\t".encode(), self.fetch("/日本/"))

    @unittest.skipUnless(shutil.which("curl"), "needs curl")
    def test_r10_percent_encoded_urls_open_via_curl(self):
        cases = [("0", "/caf%C3%A9.txt", "Un café, s'il vous plaît."),
                 ("0", "/%E6%97%A5%E6%9C%AC/%E6%9D%B1%E4%BA%AC.txt", "Tokyo text"),
                 ("0", "/a%23b.txt", "hash in the name")]
        for type_char, selector, text in cases:
            r = curl(self.url(type_char, selector))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(text_lines(r.stdout), [text], selector)
        r = curl(self.url("1", "/%E6%97%A5%E6%9C%AC/"))
        self.assertIn("東京.txt", r.stdout.decode())

    # R11 ---------------------------------------------------------------------
    def test_r11_traversal_and_hidden_are_refused(self):
        for selector in ("/../etc/passwd", "../etc/passwd", "/articles/../../etc/passwd",
                         "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/", "/.hidden", ".hidden",
                         "/escape.txt", "/etc-link/passwd", "/..\\etc\\passwd", "/./about.md"):
            raw = self.fetch(selector)
            self.assertError(raw, (selector, raw[:200]))
            self.assertNotIn(b"root:", raw)
            self.assertNotIn(b"OUTSIDE", raw)
        listing = self.fetch("/")
        for name in (b".hidden", b"escape.txt", b"etc-link", b"index.gmi"):
            self.assertNotIn(b"\t/" + name, listing)

    def raw_exchange(self, payload, timeout=6):
        """Send payload; return (bytes received, seconds until the server closed)."""
        start = time.monotonic()
        chunks = []
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            try:
                s.sendall(payload)
                while True:
                    data = s.recv(65536)
                    if not data:
                        break
                    chunks.append(data)
            except ConnectionResetError:
                pass
        return b"".join(chunks), time.monotonic() - start

    def test_r11_overlong_selector_is_refused(self):
        for payload in (b"/" + b"a" * 1100 + b"\r\n", b"/" + b"a" * 4000,
                        b"/about.md\x00x\r\n"):
            data, elapsed = self.raw_exchange(payload)
            self.assertTrue(data == b"" or is_error(data), data[:200])
            self.assertLess(elapsed, 5)
        data, _ = self.raw_exchange(b"/" + b"a" * 1020 + b"\r\n")
        self.assertError(data)  # within the limit: an ordinary "not found"
        self.assertEqual(text_lines(self.fetch("/dots.txt"))[-1], ".")

    def test_r11_idle_connection_closed_after_timeout(self):
        for payload in (b"", b"/about.md"):
            data, elapsed = self.raw_exchange(payload, timeout=12)
            self.assertTrue(data == b"" or is_error(data), data[:200])
            self.assertGreaterEqual(elapsed, 1.5, payload)
            # The request timeout (2 s) starts at accept; a client that sends
            # nothing is accepted only after the kernel's deferral (1-3 s).
            self.assertLess(elapsed, 2 + (4 if payload == b"" else 0) + 1.5, payload)
        self.assertIn(b"About this capsule", self.fetch("/about.md"))

    # R12 ---------------------------------------------------------------------
    def test_r12_dates_newest_first_others_a_to_z(self):
        years = [s for k, _d, s, *_ in self.items("/articles/") if k == "1" and s != "/"]
        self.assertEqual(years, ["/articles/2021/", "/articles/2016/", "/articles/2014/",
                                 "/articles/2009/"])
        months = [s for k, _d, s, *_ in self.items("/articles/2014/") if k == "1"]
        self.assertEqual(months, ["/articles/", "/articles/2014/11/", "/articles/2014/05/",
                                  "/articles/2014/02/"])
        misc = [(k, d, s) for k, d, s, *_ in self.items("/misc/") if k != "i"]
        self.assertEqual([s for _k, _d, s in misc], [
            "/", "/misc/alpha/", "/misc/Beta/", "/misc/Zeta/",
            "/misc/Apple.txt", "/misc/banana.txt", "/misc/cherry.txt"])
        self.assertIn(("1", "alpha/", "/misc/alpha/"), misc)
        self.assertNotIn(b".secret-dir", self.fetch("/misc/"))
        self.assertNotIn(b".dotfile", self.fetch("/misc/"))

    def test_r12_directory_title_without_index(self):
        info = [d for k, d, *_ in self.items("/articles/2014/02/") if k == "i"]
        # The title is the listing page's heading, underlined as every heading.
        self.assertEqual(info[:3], ["Articles - February 2014", "=" * 24, ""])

    def test_markdown_links_become_numbered_references(self):
        lines = text_lines(self.fetch("/links.md"))
        url = "gopher://localhost:%d/" % self.port
        # Without an archive the page's foot leads home.
        self.assertEqual(lines, [
            "Links", "=====", "1 min read", "", "See the blob [1] and a site [2].", "",
            "Links:", "[1] %s9/img/blob.bin" % url, "[2] https://example.org/", "",
            "Home", "  %s1/" % url])

    def test_robots_txt_generated(self):
        # The same rules as on Gemini: prefix Disallow lines only.
        lines = text_lines(self.fetch("/robots.txt"))
        self.assertEqual([line for line in lines if not line.startswith("#")],
                         ["User-agent: *", "Disallow: /search"])
        self.assertTrue(all(columns(line) <= WIDTH for line in lines))

    # R13 ---------------------------------------------------------------------
    def test_r13_real_caps_file_wins(self):
        self.assertEqual(text_lines(self.fetch("caps.txt")),
                         ["CAPS", "CapsVersion=1", "ServerDescription=from the tree"])

    # R14 ---------------------------------------------------------------------
    def test_r14_gopher_plus_suffixes_get_normal_answers(self):
        root = self.fetch("/")
        self.assertEqual(self.fetch("/\t+"), root)
        self.assertEqual(self.fetch("/\t$"), root)
        self.assertEqual(self.fetch("\t+"), root)
        self.assertEqual(self.fetch("/about.md\t!"), self.fetch("/about.md"))
        self.assertEqual(self.fetch("/img/blob.bin\t+"), BLOB)

    # R15 ---------------------------------------------------------------------
    def test_r15_missing_item_is_a_type3_line(self):
        for selector in ("/nope.txt", "/articles/2099/", "/img/nope.bin", "nope"):
            raw = self.fetch(selector)
            self.assertError(raw, (selector, raw))
            self.assertEqual(raw.count(b"\r\n"), 2)
        self.assertTrue(is_error(self.server.gopher(b"/nope\n")))


class GopherArchiveTest(GopherMixin, unittest.TestCase):
    """The bundled sample archive with search, as a reader sees it."""

    @classmethod
    def setUpClass(cls):
        # A title of its own: the default (the host name) would show in
        # menus where the tests make sure no host field shows through.
        cls.server = Server(args=["--title", "The capsuled sample archive"])
        cls.server.start()
        cls.port = cls.server.gopher_port

    @classmethod
    def tearDownClass(cls):
        cls.server.finish()

    def url(self, type_char, selector):
        return "gopher://127.0.0.1:%d/%s%s" % (self.port, type_char, selector)

    def test_menu_shows_the_new_size_of_a_file_rewritten_in_place(self):
        path = os.path.join(self.server.root, "files", "rewritten.bin")
        with open(path, "wb") as f:
            f.write(b"\x00" * 1024)
        os.chmod(path, 0o644)

        def listed():
            return [d for k, d, s, *_ in self.items("/files/") if s == "/files/rewritten.bin"]
        before = listed()
        self.assertEqual(before, ["rewritten.bin (1.0 KiB)"])
        # Rewritten in place, no rename: the directory's stat stays the same.
        with open(path, "r+b") as f:
            f.truncate(0)
            f.write(b"\x00" * 3 * 1024)
        deadline = time.monotonic() + 10
        while listed() == before and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(listed(), ["rewritten.bin (3.0 KiB)"])

    # R5 ----------------------------------------------------------------------
    def test_r5_seed_article_reflowed_without_split_words(self):
        with open(SEED_SOURCE, encoding="utf-8") as f:
            source = f.read()
        self.assertTrue(any(columns(line) > WIDTH for line in source.splitlines()))
        lines = text_lines(self.fetch(SEED_SELECTOR))
        for line in lines:
            self.assertTrue(fits(line, WIDTH), line)
            self.assertNotIn("\t", line)
            self.assertEqual(line, line.rstrip(" "))
        # Issue 11: the article as Gemini readers get it, chrome left out;
        # issue 12: in its page, the same head and foot as on Gemini.
        head, body, foot = article_parts(lines)
        self.assertEqual(" ".join(body).split(), seed_article_words())
        self.assertEqual(head, SEED_HEAD)
        url = "  gopher://localhost:%d/" % self.port
        self.assertEqual(foot, [
            "Next: Harbour bridge reopens after two years of repairs",
            url + "0/articles/2016/11/harbour-bridge-reopens.txt",
            "All articles of February 2014", url + "1/archive/2014/02/",
            "The archive", url + "1/archive/"])
        for chrome in SEED_CHROME:
            self.assertNotIn(chrome, lines)

    def test_r5_seed_listed_in_its_month_menu(self):
        items = self.items("/articles/2014/02/")
        self.assertIn(("0", "2014-02-03 " + SEED_TITLE, SEED_SELECTOR, "localhost", self.port),
                      items)

    # R13 ---------------------------------------------------------------------
    def test_r13_generated_caps_txt(self):
        lines = text_lines(self.fetch("caps.txt"))
        self.assertEqual(lines[:2], ["CAPS", "CapsVersion=1"])
        keys = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
        self.assertEqual(keys.get("ServerDefaultEncoding"), "UTF-8")
        self.assertEqual(keys.get("ServerTLSPort"), str(self.port))
        self.assertEqual(keys.get("PathDelimeter"), "/")
        self.assertEqual(self.fetch("/caps.txt"), self.fetch("caps.txt"))

    def test_tls_gopher_on_the_same_port(self):
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        plain = self.fetch("/")
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost",
                                 suppress_ragged_eofs=False) as tls:
                tls.sendall(b"/\r\n")
                data = read_to_eof(tls)  # b"" only after close_notify
        self.assertEqual(data, plain)

    # R14 ---------------------------------------------------------------------
    def test_r14_search_returns_a_menu_with_the_seed(self):
        # Issue 11: one search item, the one the root's index.gmi links.
        searches = [i for i in self.items("/") if i[0] == "7"]
        self.assertEqual(searches, [("7", "Search the archive", "/search", "localhost", self.port)])
        deadline = time.monotonic() + 10
        while True:
            items = self.items("/search\tsyria")
            if any(s == SEED_SELECTOR for _k, _d, s, *_ in items) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertIn(("0", "2014-02-03 " + SEED_TITLE, SEED_SELECTOR, "localhost", self.port),
                      items)
        self.assertEqual(self.fetch("/search\tsyria\t+"), self.fetch("/search\tsyria"))
        none = self.items("/search\tzzqxjvnomatch")
        self.assertFalse([i for i in none if i[0] == "3"], none)
        self.assertFalse([i for i in none if i[2].startswith("/articles/")], none)
        self.assertIn("No articles match.", [d for k, d, *_ in none if k == "i"])

    def test_r14_search_without_words_offers_a_search_item(self):
        items = self.items("/search")
        self.assertIn("7", [k for k, *_ in items])

    # R16: real clients -------------------------------------------------------
    @unittest.skipUnless(shutil.which("curl"), "needs curl")
    def test_r16_curl_reads_menus(self):
        r = curl(self.url("1", "/"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, self.fetch("/"))
        r = curl(self.url("9", "/files/sample.bin"))
        with open(os.path.join(SAMPLE_CAPSULE, "files", "sample.bin"), "rb") as f:
            self.assertEqual(r.stdout, f.read())
        r = curl(self.url("7", "/search%09syria"))
        self.assertIn(SEED_SELECTOR.encode(), r.stdout)

    def lynx(self, type_char, selector):
        r = subprocess.run(["lynx", "-dump", "-nolist", "-width=100", self.url(type_char, selector)],
                           capture_output=True, timeout=20, env=dict(os.environ, TERM="dumb"))
        self.assertEqual(r.returncode, 0, r.stderr)
        text = r.stdout.decode("utf-8")
        self.assertNotIn("\t", text)
        self.assertNotIn("\r", text)
        # No menu field shows through; a text names our host in its URLs.
        if type_char == "1":
            self.assertNotIn("localhost", text)
        return text

    @unittest.skipUnless(shutil.which("lynx"), "needs lynx")
    def test_r16_lynx_renders_root_month_and_article(self):
        root = self.lynx("1", "/")
        self.assertIn("Gopher Menu", root)
        self.assertRegex(root, r"\(FILE\) 2014-02-03 " + SEED_TITLE)
        self.assertRegex(root, r"\(DIR\) Articles by date")
        self.assertIn("The capsuled sample archive", root)
        self.assertNotRegex(root, r"(?m)^\s*i\S")
        month = self.lynx("1", "/articles/2014/02/")
        self.assertRegex(month, r"\(DIR\) \.\. \(up\)")
        self.assertIn("Articles - February 2014", month)
        self.assertRegex(month, r"\(FILE\) 2014-02-03 " + SEED_TITLE)
        article = self.lynx("0", SEED_SELECTOR)
        self.assertTrue(article.startswith(SEED_TITLE), article[:200])
        words = article.split()
        if words[-1] == ".":
            words.pop()  # lynx shows the RFC 1436 end-of-text line as it is
        head = " ".join(SEED_HEAD).split()
        self.assertEqual(words[:len(head)], head)
        body = seed_article_words()
        self.assertEqual(words[len(head):len(head) + len(body)], body)
        self.assertEqual(words[len(head) + len(body):len(head) + len(body) + 2], ["Next:", "Harbour"])
        self.assertEqual(words[-2:], ["archive", "gopher://localhost:%d/1/archive/" % self.port])
        body = [line for line in article.splitlines() if len(line.split()) > 1]
        self.assertLessEqual(max(columns(line) for line in body), WIDTH + 3)

    @unittest.skipUnless(shutil.which("sacc") and shutil.which("tmux"), "needs sacc and tmux")
    def test_r16_sacc_renders_root_and_month(self):
        socket_name = "capsuled-gopher-%d" % os.getpid()
        tmux = ["tmux", "-L", socket_name]
        try:
            for selector, wanted in (("/", "Articles by date"), ("/articles/2014/02/", SEED_TITLE)):
                subprocess.run(tmux + ["kill-server"], capture_output=True)
                subprocess.run(tmux + ["new-session", "-d", "-x", "100", "-y", "40", "-s", "sacc",
                                       "env TERM=xterm-256color sacc " + self.url("1", selector)],
                               check=True)
                screen = self.wait_screen(tmux, wanted)
                self.assertIn(wanted, screen)
                if selector == "/":
                    self.assertRegex(screen, r"Dir\+ 2022-09-02 Notes on gemtext")
                    self.assertRegex(screen, r"Txt\+ 2014-02-03 " + SEED_TITLE)
                    self.assertRegex(screen, r"Ind\+ Search the archive")
                    self.assertRegex(screen, r"\| The capsuled sample archive")
                else:
                    self.assertRegex(screen, r"Dir\+ \.\. \(up\)")
                    self.assertIn("| Articles - February 2014", screen)
                self.assertNotIn("localhost", screen)
                self.assertNotIn("Err", screen)
                subprocess.run(tmux + ["send-keys", "-t", "sacc", "q"], check=True)
                self.assertTrue(self.wait_gone(tmux), "sacc did not quit on q")
        finally:
            subprocess.run(tmux + ["kill-server"], capture_output=True)

    @unittest.skipUnless(shutil.which("gopher") and shutil.which("tmux"), "needs UMN gopher and tmux")
    def test_r16_umn_gopher_renders_root_and_month(self):
        # UMN gopher probes the root with TAB "$" and wants a Gopher+ answer.
        socket_name = "capsuled-umn-%d" % os.getpid()
        tmux = ["tmux", "-L", socket_name]
        home = os.path.join(self.server.tmp, "umn-home")
        os.makedirs(home, exist_ok=True)
        try:
            subprocess.run(tmux + ["new-session", "-d", "-x", "100", "-y", "60", "-s", "umn",
                                   "env HOME=%s TERM=xterm gopher 127.0.0.1 %d" % (home, self.port)],
                           check=True)
            screen = self.wait_screen(tmux, "Press RETURN", session="umn")
            subprocess.run(tmux + ["send-keys", "-t", "umn", "Enter"], check=True)
            screen = self.wait_screen(tmux, "Main menu", session="umn")
            # Started on 127.0.0.1, it lists our "localhost" root as one item.
            if "Latest articles" not in screen:
                subprocess.run(tmux + ["send-keys", "-t", "umn", "Enter"], check=True)
                screen = self.wait_screen(tmux, "Latest articles", session="umn")
            self.assertIn("Search the archive <?>", screen)
            self.assertIn("2014-02-03 " + SEED_TITLE, screen)
            self.assertNotIn("Nothing received", screen)
            number = re.search(r"\[(\d+)\]\s+Articles by date", screen).group(1)
            subprocess.run(tmux + ["send-keys", "-t", "umn", number, "Enter"], check=True)
            screen = self.wait_screen(tmux, "2014 (1 article)", session="umn")
            self.assertIn("2014 (1 article)", screen)
        finally:
            subprocess.run(tmux + ["kill-server"], capture_output=True)

    def wait_screen(self, tmux, wanted, session="sacc"):
        screen = ""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            screen = subprocess.run(tmux + ["capture-pane", "-p", "-t", session],
                                    capture_output=True, text=True).stdout
            if wanted in screen:
                break
            time.sleep(0.2)
        return screen

    def wait_gone(self, tmux):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if subprocess.run(tmux + ["has-session", "-t", "sacc"],
                              capture_output=True).returncode != 0:
                return True
            time.sleep(0.1)
        return False


class GopherWidthOptionTest(GopherMixin, unittest.TestCase):
    """R2 and R5 with gopher_width = 60."""

    def test_r2_width_option_honoured(self):
        with Server(args=("--gopher-width", "60")) as srv:
            self.server = srv
            for selector in ("/", "/articles/2014/02/", "/articles/"):
                for kind, display, *_ in self.items(selector):
                    self.assertLessEqual(columns(display), 60, display)
            lines = text_lines(self.fetch(SEED_SELECTOR))
            self.assertTrue(any(columns(line) > 55 for line in lines))
            for line in lines:
                self.assertTrue(fits(line, 60), line)
            self.assertEqual(" ".join(article_parts(lines)[1]).split(), seed_article_words())


@unittest.skipUnless(hasattr(os, "geteuid") and os.geteuid() == 0, "needs root")
class GopherPrivilegeTest(GopherMixin, unittest.TestCase):
    # R17 ---------------------------------------------------------------------
    def test_r17_drops_to_nobody_with_both_listeners(self):
        with Server(args=("--user", "nobody")) as srv:
            self.server = srv
            status = {}
            with open("/proc/%d/status" % srv.proc.pid) as f:
                for line in f:
                    key, _sep, value = line.partition(":")
                    status[key] = value.split()
            self.assertTrue(all(int(v) != 0 for v in status["Uid"]), status["Uid"])
            self.assertTrue(all(int(v) != 0 for v in status["Gid"]), status["Gid"])
            self.assertEqual(status["Groups"], [])
            # The home page lists the seed once the first walk indexed it.
            deadline = time.monotonic() + 10
            while b"\t" + SEED_SELECTOR.encode() + b"\t" not in self.fetch("/") and \
                    time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertIn(b"\t" + SEED_SELECTOR.encode() + b"\t", self.fetch("/"))
            self.assertEqual(srv.gemini("/").status, 20)
            for task in os.listdir("/proc/%d/task" % srv.proc.pid):
                with open("/proc/%d/task/%s/status" % (srv.proc.pid, task)) as f:
                    uid = next(line for line in f if line.startswith("Uid:")).split()[1:]
                self.assertNotIn("0", uid, "thread %s still root" % task)


if __name__ == "__main__":
    unittest.main()
