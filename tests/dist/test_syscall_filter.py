"""The systemd unit's SystemCallFilter= allows every system call capsuled
makes: the server runs under strace, starts, serves Gemini and Gopher
(a converted article, search, the feed, menus, TLS Gopher), reloads and
stops, and every call it made must be in the set that dist/capsuled.service.in
allows (groups expanded by systemd-analyze syscall-filter); a Titan upload
into a new month folder and its deletion too. Under the unit a
call outside that set fails with EPERM (SystemCallErrorNumber=).

Needs strace and systemd-analyze; an optimised build (sanitizers make calls
of their own).
"""
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
import harness  # noqa: E402

UNIT = os.path.join(harness.SOURCE_DIR, "dist", "capsuled.service.in")


def expand(name, seen=None):
    """The system calls of a name: a @group, expanded, or a call itself."""
    if not name.startswith("@"):
        return {name}
    seen = seen if seen is not None else set()
    if name in seen:
        return set()
    seen.add(name)
    listing = subprocess.run(["systemd-analyze", "syscall-filter", name], capture_output=True,
                             text=True, check=True).stdout
    calls = set()
    for line in listing.splitlines()[1:]:
        entry = line.strip()
        if entry and not entry.startswith("#"):
            calls |= expand(entry, seen)
    return calls


def unit_scheduling():
    """chrt's words for the unit's CPUSchedulingPolicy=, which systemd sets
    before capsuled starts (and capsuled then keeps)."""
    with open(UNIT, encoding="utf-8") as f:
        for line in f:
            match = re.match(r"CPUSchedulingPolicy=(\w+)", line.strip())
            if match is not None:
                return ["chrt", "--" + match.group(1), "0"]
    return []


def allowed_by_unit():
    allowed, denied = set(), set()
    with open(UNIT, encoding="utf-8") as f:
        for line in f:
            match = re.match(r"SystemCallFilter=(~?)(.*)", line.strip())
            if match is None:
                continue
            names = set().union(*(expand(n) for n in match.group(2).split()))
            (denied if match.group(1) else allowed).update(names)
    return allowed - denied


class TracedServer(harness.Server):
    """The server under strace -f; signals go to capsuled itself. Run by
    root, it runs as nobody, as the unit runs it as capsuled: root takes
    other paths (SQLite, for one, gives its journal files to the database's
    owner)."""

    def __init__(self, trace, **kw):
        super().__init__(**kw)
        as_user = []
        if os.geteuid() == 0:
            as_user = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
            subprocess.run(["chown", "-R", "nobody:nogroup", self.tmp], check=True)
        self.cmd = ["strace", "-f", "-qq", "-o", trace] + unit_scheduling() + as_user + self.cmd

    def send_signal(self, sig):
        os.kill(self.traced_pid(), sig)

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.traced_pid(), sig)
            self.proc.wait(timeout)
        return self.proc.returncode if self.proc else None

    def traced_pid(self):
        with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children", encoding="ascii") as f:
            return int(f.read().split()[0])


def calls_after_exec(trace):
    """Names of the calls capsuled made, from its execve on."""
    calls, started = set(), False
    with open(trace, encoding="utf-8", errors="replace") as f:
        for line in f:
            match = re.match(r"\d+\s+(?:<\.\.\. )?([a-z0-9_]+)[( ]", line)
            if match is None:
                continue
            if match.group(1) == "execve":
                started = started or f'execve("{harness.BINARY}"' in line
            elif started and match.group(1) not in ("exit", "exit_group"):
                calls.add(match.group(1))
    return calls


class SyscallFilter(unittest.TestCase):
    def test_every_call_is_allowed_by_the_unit(self):
        allowed = allowed_by_unit()
        self.assertIn("openat", allowed)
        self.assertIn("landlock_restrict_self", allowed)
        self.assertNotIn("setuid", allowed)   # ~@privileged took it out
        with tempfile.TemporaryDirectory() as tmp:
            trace = os.path.join(tmp, "trace")
            area = '[area "/articles/"]\naccess = publish\ntoken = t\ndelete = yes\n'
            with TracedServer(trace, config_text=area) as server:
                for path in ("/", "/atom.xml", "/search?ceasefire", "/archive/",
                             "/articles/2014/02/russia-america-ceasefires.txt"):
                    self.assertTrue(server.gemini(path).status == 20, path)
                self.assertIn(b"Search", server.gopher("/\r\n"))
                self.assertTrue(server.gopher("/articles/2014/02/russia-america-ceasefires.txt\r\n"))
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
                with socket.create_connection(("127.0.0.1", server.gopher_port), timeout=10) as raw:
                    with context.wrap_socket(raw, server_hostname="localhost") as tls:
                        tls.sendall(b"/\r\n")
                        self.assertIn(b"Search", tls.recv(4096))
                self.upload(server)
                server.send_signal(signal.SIGHUP)
                self.assertTrue(server.gemini("/").status == 20)
            made = calls_after_exec(trace)
        self.assertIn("accept4", made)
        self.assertIn("landlock_restrict_self", made)
        self.assertIn("renameat2", made)
        self.assertIn("sendmmsg", made)  # the key process answers a batch at once
        self.assertEqual(made - allowed, set(), "calls the unit's SystemCallFilter= refuses")

    def upload(self, server):
        body = b"# Traced upload\n"
        line = "titan://localhost:%d/articles/;token=t;size=%d\r\n" % (server.port, len(body))
        with server.connect_tls() as tls:
            tls.sendall(line.encode() + body)
            created = harness.read_gemini(tls)
        self.assertEqual(created.status, 30, created)
        path = created.meta.split(str(server.port), 1)[1]
        line = "titan://localhost:%d%s;token=t;size=0\r\n" % (server.port, path)
        with server.connect_tls() as tls:
            tls.sendall(line.encode())
            self.assertEqual(harness.read_gemini(tls).status, 30)


if __name__ == "__main__":
    unittest.main()
