"""The index against its own faults, on the real server (issue 15):

- garbage written into the middle of the index file, with the server
  stopped and while it runs: the file is moved aside and rebuilt in the
  background, searches answer right after, and the log has a few lines
  for it, never one per article;
- the state directory on a small tmpfs, filled and then freed: one
  warning, the index keeps serving what it holds, and it catches up on
  its own once there is room (needs root to mount; skipped otherwise);
- kill -9 of the server process in the middle of the first walk: the
  one the supervisor starts in its place indexes every article exactly
  once.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
from urllib.parse import quote

from harness import SAMPLE_CAPSULE, Server

COMMON = "quartzfield"
# Words of the filler text, so the index has real lists of some length.
FILLER = ("the harbour council met on tuesday to hear the engineers report on the bridge"
          " while traders along the river asked when the market would reopen").split()
COUNT_LINE = re.compile(r"^(At least |More than )?(\d+) articles? match", re.MULTILINE)
YEAR_LINE = re.compile(r"^=> /archive/\d{4}/ \d{4} \((\d+) articles?\)$", re.MULTILINE)
GARBAGE = 256 * 1024


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def article(i, words=120):
    body = " ".join(FILLER[(i * 7 + k) % len(FILLER)] for k in range(words))
    return ("---\ntitle: \"Report number %d on the %s\"\ndate: %04d-%02d-%02d\n---\n\n"
            "%s uniqword%d %s.\n" % (i, COMMON, 2000 + i % 20, i % 12 + 1, i % 28 + 1,
                                     body, i, COMMON))


def make_tree(base, n, words=120):
    root = os.path.join(base, "root")
    for i in range(n):
        write(os.path.join(root, "%04d" % (2000 + i % 20), "%02d" % (i % 12 + 1),
                           "report-%d.md" % i), article(i, words))
    for dirpath, _dirs, files in os.walk(base):
        os.chmod(dirpath, 0o755)
        for name in files:
            os.chmod(os.path.join(dirpath, name), 0o644)
    return root


def search(server, words):
    return server.gemini("/search?" + quote(words, safe=""))


def matches(server, words):
    """The number the results page announces, or -1 without one."""
    r = search(server, words)
    if r.status != 20:
        return -1
    m = COUNT_LINE.search(r.text)
    return int(m.group(2)) if m else (0 if "No articles match" in r.text else -1)


def until(probe, ok, deadline=30, pause=0.1):
    end = time.monotonic() + deadline
    while True:
        got = probe()
        if ok(got) or time.monotonic() > end:
            return got
        time.sleep(pause)


def spoil(db_path):
    """GARBAGE bytes of garbage in the middle of the file."""
    size = os.path.getsize(db_path)
    with open(db_path, "r+b") as f:
        f.seek(max(0, size // 2 - GARBAGE // 2))
        f.write(os.urandom(GARBAGE))
    return size


def index_lines(log):
    return [line for line in log.splitlines() if "archive:" in line]


def server_process(server):
    """The server process under capsuled's main process (the one that
    indexes): of its two children, the one with threads."""
    def threads(pid):
        with open("/proc/%d/status" % pid) as f:
            return int(re.search(r"^Threads:\s+(\d+)", f.read(), re.M).group(1))
    with open("/proc/%d/task/%d/children" % (server.proc.pid, server.proc.pid)) as f:
        return max((int(p) for p in f.read().split()), key=threads)


class DamageTest(unittest.TestCase):
    N = 1500

    def setUp(self):
        self.base = tempfile.mkdtemp(prefix="capsuled-faults-")
        os.chmod(self.base, 0o755)
        self.root = make_tree(self.base, self.N)
        self.server = Server(root=self.root)
        self.db = os.path.join(self.server.state_dir, "archive.db")

    def tearDown(self):
        self.server.finish(self.base)

    def start_indexed(self):
        self.server.start()
        self.assertEqual(until(lambda: matches(self.server, "uniqword7"), lambda n: n == 1), 1)
        until(self.server.log, lambda log: "articles indexed" in log)

    def assertRebuilt(self, log_before):
        """The damage was told once, the file moved aside, and searches
        find everything again."""
        log = until(self.server.log, lambda text: "(rebuilt)" in text)
        self.assertIn("(rebuilt)", log, log[-3000:])
        new = index_lines(log[len(log_before):])
        damaged = [line for line in new if "damaged" in line]
        self.assertGreaterEqual(len(damaged), 1, "\n".join(new))
        self.assertLessEqual(len(damaged), 2, "\n".join(new))
        # A handful of lines for the event, whatever the size of the archive.
        self.assertLess(len(new), 12, "\n".join(new))
        self.assertTrue(os.path.exists(self.db + ".damaged"))
        self.assertEqual(matches(self.server, "uniqword1234"), 1)
        self.assertEqual(matches(self.server, "uniqword7"), 1)

    def test_garbage_with_the_server_stopped(self):
        self.start_indexed()
        self.server.stop()
        spoil(self.db)
        log_before = self.server.log()
        self.server.start()
        self.assertRebuilt(log_before)

    def test_garbage_while_the_server_runs(self):
        self.start_indexed()
        log_before = self.server.log()
        spoil(self.db)
        # Reading touches the damage sooner or later: searches of every
        # kind, pages, and an article written (the indexer reads too).
        write(os.path.join(self.root, "2019", "05", "late.md"),
              "---\ntitle: Late report\ndate: 2019-05-05\n---\n\nlatecomerword\n")
        probes = ["uniqword%d" % i for i in range(0, self.N, 97)] + [
            COMMON, "harbour bridge", '"the engineers"', "trad*", "riv*"]
        def probe():
            for words in probes:
                for page in ("/search", "/search/2", "/search/5"):
                    self.server.gemini(page + "?" + quote(words, safe=""))
            self.server.gemini("/archive/2005/03/")
            return self.server.log()
        until(probe, lambda text: "damaged" in text[len(log_before):], deadline=60, pause=0)
        self.assertRebuilt(log_before)
        self.assertEqual(until(lambda: matches(self.server, "latecomerword"),
                               lambda n: n == 1), 1)


class BundledCapsuleDamageTest(unittest.TestCase):
    """The sample archive's small index, spoiled: the server starts, and
    rebuilds it (it used to exit: "vtable constructor failed")."""

    def test_server_starts_and_rebuilds(self):
        server = Server()
        try:
            server.start()
            until(server.log, lambda log: "articles indexed" in log)
            server.stop()
            db = os.path.join(server.state_dir, "archive.db")
            with open(db, "r+b") as f:
                f.seek(os.path.getsize(db) // 3)
                f.write(os.urandom(GARBAGE))
            server.start()
            log = until(server.log, lambda text: "(rebuilt)" in text)
            self.assertIn("(rebuilt)", log, log[-2000:])
            self.assertEqual(until(lambda: matches(server, "ceasefires"), lambda n: n >= 1), 1)
        finally:
            server.finish()


class FullDiskTest(unittest.TestCase):
    """The state directory on a 3 MiB tmpfs: filled, then freed."""

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("mounting a tmpfs for the state directory needs root")
        self.base = tempfile.mkdtemp(prefix="capsuled-full-")
        os.chmod(self.base, 0o755)
        self.root = make_tree(self.base, 200, words=40)
        self.server = Server(root=self.root)
        os.makedirs(self.server.state_dir)
        mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m,mode=0755", "tmpfs",
                                self.server.state_dir], capture_output=True, text=True)
        if mount.returncode != 0:
            shutil.rmtree(self.base, ignore_errors=True)
            self.skipTest("cannot mount a tmpfs here: " + mount.stderr.strip())

    def tearDown(self):
        try:
            self.server.stop()
        finally:
            subprocess.run(["umount", self.server.state_dir], check=False)
            self.server.finish(self.base)

    def fill(self):
        filler = os.path.join(self.server.state_dir, "filler")
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 4096)
            except OSError:
                pass
        return filler

    def test_one_warning_then_caught_up_without_a_restart(self):
        self.server.start()
        self.assertEqual(until(lambda: matches(self.server, COMMON), lambda n: n == 200), 200)
        until(self.server.log, lambda log: "articles indexed" in log)
        filler = self.fill()
        for i in range(3):
            write(os.path.join(self.root, "2024", "01", "new-%d.md" % i),
                  "---\ntitle: New %d\ndate: 2024-01-0%d\n---\n\nfreshword%d nimbusword\n"
                  % (i, i + 1, i))
        log = until(self.server.log, lambda text: "cannot write" in text)
        self.assertIn("cannot write", log)
        time.sleep(4)
        # What is indexed is still served; what came is not yet there.
        self.assertEqual(matches(self.server, COMMON), 200)
        self.assertEqual(matches(self.server, "nimbusword"), 0)
        os.unlink(filler)
        self.assertEqual(until(lambda: matches(self.server, "nimbusword"), lambda n: n == 3,
                               deadline=40), 3)
        log = self.server.log()
        self.assertEqual(len(re.findall(r"cannot write", log)), 1, "\n".join(index_lines(log)))
        self.assertEqual(len(re.findall(r"database or disk is full", log)), 1)
        self.assertIn("writable again", log)
        self.assertEqual(self.server.proc.poll(), None)


class KilledMidWalkTest(unittest.TestCase):
    """kill -9 of the server process while the first walk runs: the next
    one (the supervisor starts it) has every article in the index exactly
    once."""
    N = 30000

    def test_restart_recovers_exactly(self):
        base = tempfile.mkdtemp(prefix="capsuled-kill-")
        os.chmod(base, 0o755)
        root = make_tree(base, self.N, words=20)
        server = Server(root=root)
        try:
            server.start()
            building = re.compile(r"being built \((\d+) articles so far\)")
            page = until(lambda: server.gemini("/archive/").text,
                         lambda text: (building.search(text) is not None and
                                       int(building.search(text).group(1)) > 0) or
                         "being built" not in text, deadline=60, pause=0.02)
            self.assertIn("being built", page, "the first walk ended before it could be cut")
            killed = server_process(server)
            os.kill(killed, signal.SIGKILL)
            log = until(server.log, lambda log: log.count(" serving with ") == 2)
            self.assertIn("server process (pid %d) was killed by signal 9" % killed, log)
            until(server.log, lambda log: "articles indexed" in log, deadline=120)
            years = server.gemini("/archive/").text
            self.assertEqual(sum(int(n) for n in YEAR_LINE.findall(years)), self.N, years)
            for i in (0, 1, self.N // 2, self.N - 1):
                self.assertEqual(matches(server, "uniqword%d" % i), 1)
        finally:
            server.finish(base)


if __name__ == "__main__":
    unittest.main()
