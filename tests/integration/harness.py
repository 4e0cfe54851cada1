"""Start the real capsuled binary on free ports and talk to it as clients do.

Everything here uses the Python standard library only, over real sockets:
a Gemini client on TLS (ssl module) and a Gopher client on plain TCP.
"""
import fcntl
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("CAPSULED_SOURCE_DIR", os.path.normpath(os.path.join(HERE, "..", "..")))
BINARY = os.environ.get("CAPSULED_BIN", os.path.join(SOURCE_DIR, "build", "capsuled"))
SAMPLE_CAPSULE = os.path.join(SOURCE_DIR, "capsule")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GeminiResponse:
    def __init__(self, raw, close_notify):
        self.raw = raw
        self.close_notify = close_notify
        head, sep, body = raw.partition(b"\r\n")
        self.header_complete = bool(sep)
        self.header = head.decode("utf-8", "replace")
        self.status = int(self.header[:2]) if self.header[:2].isdigit() else None
        self.meta = self.header[3:] if len(self.header) > 3 else ""
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8")

    def __repr__(self):
        return "<GeminiResponse %r, %d body bytes>" % (self.header, len(self.body))


def client_context(min_version=None, max_version=None, cert=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if min_version is not None:
        ctx.minimum_version = min_version
    if max_version is not None:
        ctx.maximum_version = max_version
    if cert is not None:
        ctx.load_cert_chain(*cert)
    return ctx


# Runs BINARY with listening sockets at descriptors 3, 4, ... and
# LISTEN_PID set to its own pid, as systemd's socket activation does:
# argv is the descriptors (comma-separated), then the command.
ACTIVATE = """
import fcntl, os, sys
fds = [int(fd) for fd in sys.argv[1].split(",")]
high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 100) for fd in fds]
for i, fd in enumerate(high):
    os.dup2(fd, 3 + i)
for fd in set(fds + high) - set(range(3, 3 + len(fds))):
    os.close(fd)
os.environ["LISTEN_PID"] = str(os.getpid())
os.execv(sys.argv[2], sys.argv[2:])
"""


def make_tree(base):
    """A copy of the bundled capsule, world-readable so a dropped user can serve it."""
    root = os.path.join(base, "root")
    shutil.copytree(SAMPLE_CAPSULE, root, symlinks=True)
    return root


# A sanitizer's lines in the output: its reports, and the two lines that
# follow ASan's warning when OpenSSL switches a handshake onto an async job's
# stack (a longjmp it cannot follow); not capsuled's lines.
SANITIZER_LINE = re.compile(r"==\d+==|False positive error reports may follow$"
                            r"|For details see https://github\.com/google/sanitizers/")

# An error a sanitizer found, in any process of the server.
SANITIZER_ERROR = re.compile(r"==\d+==ERROR: |: runtime error: ")


def capsuled_lines(text):
    """The lines of text capsuled wrote, without a sanitizer's."""
    return [line for line in text.splitlines() if line and not SANITIZER_LINE.match(line)]


class Server:
    """capsuled on free loopback ports with its own certificates, state and log."""

    def __init__(self, root=None, args=(), gopher=True, archive=True, workers=2,
                 request_timeout=10, host="localhost", extra_hosts=(), config_text=None,
                 log_path=None, env=None, sockets=None):
        """log_path: the log (default: capsuled.log in the scratch folder;
        "stderr" for none); env: more environment; sockets: listening
        sockets passed as systemd does, [(name, socket)], name "gemini",
        "gopher" or None (no LISTEN_FDNAMES)."""
        self.tmp = tempfile.mkdtemp(prefix="capsuled-test-")
        os.chmod(self.tmp, 0o755)
        self.root = root if root is not None else make_tree(self.tmp)
        self.host = host
        self.port = free_port()
        self.gopher_port = free_port() if gopher else 0
        self.sockets = sockets or []
        for name, sock in self.sockets:
            if name == "gopher":
                self.gopher_port = sock.getsockname()[1]
            else:
                self.port = sock.getsockname()[1]
        self.env = env or {}
        self.log_path = log_path or os.path.join(self.tmp, "capsuled.log")
        self.output_path = os.path.join(self.tmp, "output.txt")
        self.cert_dir = os.path.join(self.tmp, "certs")
        self.state_dir = os.path.join(self.tmp, "var")
        self.config_path = None
        cmd = [BINARY]
        if config_text is not None:
            self.config_path = os.path.join(self.tmp, "capsuled.ini")
            with open(self.config_path, "w") as f:
                f.write(config_text)
            cmd += ["--config", self.config_path]
        cmd += [
            "--host", host, "--root", self.root, "--listen", "127.0.0.1",
            "--port", str(self.port), "--gopher-port", str(self.gopher_port),
            "--cert-dir", self.cert_dir, "--state-dir", self.state_dir,
            "--workers", str(workers), "--request-timeout", str(request_timeout),
            "--log", self.log_path, "--archive", "yes" if archive else "no",
        ]
        if "--user" not in args:
            cmd += ["--user", ""]
        self.cmd = cmd + list(args)
        self.proc = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.finish(check=exc[0] is None)

    def finish(self, *dirs, check=True):
        """Stop, remove the server's scratch folder and dirs; then fail if
        it did not exit cleanly.  A clean SIGTERM exits 0; anything else (a
        crash, a sanitizer report from any of its processes, a leak found at
        exit) fails the test."""
        try:
            rc = self.stop()
            log = self.log()
        finally:
            for path in (self.tmp,) + dirs:
                shutil.rmtree(path, ignore_errors=True)
        if check and rc not in (0, None):
            raise AssertionError("capsuled exited with %s:\n%s" % (rc, log[-4000:]))
        # A process the supervisor replaced leaves only its report behind.
        report = SANITIZER_ERROR.search(log)
        if check and report is not None:
            raise AssertionError("a sanitizer reported an error:\n%s" % log[report.start():][:4000])

    def start(self, timeout=15):
        env = dict(os.environ)
        # Sanitizer reports go to the output, which log() reads: an inherited
        # descriptor every process of the server can write whatever its user
        # and sandbox (a report it cannot write ends it).
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        env.update(self.env)
        # Sockets to pass, above the standard descriptors whatever they are.
        passed = [fcntl.fcntl(sock.fileno(), fcntl.F_DUPFD_CLOEXEC, 10) for _, sock in self.sockets]
        cmd = self.cmd
        if passed:
            cmd = [sys.executable, "-c", ACTIVATE, ",".join(map(str, passed))] + cmd
        with open(self.output_path, "ab") as output:
            if env.get("JOURNAL_STREAM") == "output":
                st = os.fstat(output.fileno())
                env["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
            try:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=output,
                                             stderr=subprocess.STDOUT, env=env, pass_fds=passed)
            finally:
                for fd in passed:
                    os.close(fd)
        deadline = time.monotonic() + timeout
        # Ready when this process says it serves: a port that accepts could
        # belong to another program that took it first.
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("capsuled exited with %d:\n%s" % (self.proc.returncode, self.log()))
            if " serving with " in self.log():
                return
            time.sleep(0.05)
        raise RuntimeError("capsuled did not start:\n" + self.log())

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        return self.proc.returncode

    def log(self):
        """The log file and the ones rotated from it, then what the server
        wrote on stdout and stderr (and any sanitizer report)."""
        return self.log_files() + self.output()

    def log_files(self):
        folder, base = os.path.split(self.log_path)
        return read_files(folder, base)

    def output(self):
        return read_files(self.tmp, "output.txt")

    def url(self, path="/"):
        return "gemini://%s:%d%s" % (self.host, self.port, path)

    # Gemini ------------------------------------------------------------------
    def connect_tls(self, sni="localhost", ctx=None, timeout=10):
        ctx = ctx or client_context()
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        return ctx.wrap_socket(sock, server_hostname=sni, suppress_ragged_eofs=False)

    def request(self, line, sni="localhost", ctx=None, timeout=10, read_delay=0):
        """Send raw bytes as the request; return the whole response."""
        if isinstance(line, str):
            line = line.encode("utf-8")
        with self.connect_tls(sni=sni, ctx=ctx, timeout=timeout) as tls:
            tls.sendall(line)
            return read_gemini(tls, read_delay)

    def gemini(self, path="/", **kw):
        return self.request(self.url(path) + "\r\n", **kw)

    # Gopher ------------------------------------------------------------------
    def gopher(self, line, timeout=10):
        if isinstance(line, str):
            line = line.encode("utf-8")
        with socket.create_connection(("127.0.0.1", self.gopher_port), timeout=timeout) as s:
            s.sendall(line)
            return read_to_eof(s)


def wait_for(predicate, timeout=10):
    """predicate()'s first true value within timeout seconds, else its last."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


def read_files(folder, prefix):
    """The text of every file in folder whose name starts with prefix."""
    text = ""
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        path = os.path.join(folder, name)
        if name.startswith(prefix) and os.path.isfile(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                text += f.read()
    return text


def read_to_eof(sock):
    """Everything sock receives until the peer closes."""
    chunks = []
    while True:
        data = sock.recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def read_gemini(tls, read_delay=0):
    chunks = []
    close_notify = False
    while True:
        try:
            data = tls.recv(65536)
        except ssl.SSLEOFError:
            break  # TCP closed without close_notify
        if not data:
            close_notify = True
            break
        chunks.append(data)
        if read_delay:
            time.sleep(read_delay)
    return GeminiResponse(b"".join(chunks), close_notify)
