"""Several instances behind the real HAProxy (Debian's), as the README
describes them: each capsuled serves its own copy of the same tree with
its own index (its own state directory) and the same certificate; HAProxy
balances TCP, sends PROXY v2 headers and checks the instances' health.

- Both instances answer the same searches and pages byte for byte.
- One instance stopped under load loses no request HAProxy could retry:
  once it is gone its port refuses connections, and HAProxy sends them
  to the other.  Requests caught in its drain (accepted by its kernel,
  never answered) are counted, not failed: issue 15 refuses those.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
from urllib.parse import quote

from harness import BINARY, Server, client_context, free_port, read_gemini

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
WORDS = ["quartzfield", "harbour bridge", '"the engineers"', "trad*", "uniqword77", "zzqxjv"]

CONFIG = """global
    maxconn 512
defaults
    mode tcp
    timeout connect 2s
    timeout client 20s
    timeout server 20s
    retries 3
    option redispatch 1
frontend gemini
    bind 127.0.0.1:{front}
    default_backend capsules
backend capsules
    balance roundrobin
    server a 127.0.0.1:{a} send-proxy-v2 check check-send-proxy inter 300ms fall 2 rise 2
    server b 127.0.0.1:{b} send-proxy-v2 check check-send-proxy inter 300ms fall 2 rise 2
frontend only_a
    bind 127.0.0.1:{only_a}
    default_backend a
backend a
    server a 127.0.0.1:{a} send-proxy-v2
frontend only_b
    bind 127.0.0.1:{only_b}
    default_backend b
backend b
    server b 127.0.0.1:{b} send-proxy-v2
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def make_tree(root, n):
    filler = ("the harbour council met on tuesday to hear the engineers report on the bridge"
              " while traders along the river asked when the market would reopen").split()
    for i in range(n):
        body = " ".join(filler[(i * 5 + k) % len(filler)] for k in range(80))
        write(os.path.join(root, "%04d" % (2010 + i % 10), "%02d" % (i % 12 + 1), "r%d.md" % i),
              "---\ntitle: \"Report %d\"\ndate: %04d-%02d-%02d\n---\n\n%s quartzfield"
              " uniqword%d.\n" % (i, 2010 + i % 10, i % 12 + 1, i % 28 + 1, body, i))


def readable(base):
    for dirpath, _dirs, files in os.walk(base):
        os.chmod(dirpath, 0o755)
        for name in files:
            os.chmod(os.path.join(dirpath, name), 0o644)


def gemini(port, url, timeout=10):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    with client_context().wrap_socket(sock, server_hostname="localhost",
                                      suppress_ragged_eofs=False) as tls:
        tls.sendall((url + "\r\n").encode("utf-8"))
        return read_gemini(tls)


def wait_port(port, deadline=10):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


@unittest.skipUnless(os.path.exists(HAPROXY), "haproxy is not installed (Debian package haproxy)")
class BehindHaproxyTest(unittest.TestCase):

    def setUp(self):
        self.base = tempfile.mkdtemp(prefix="capsuled-haproxy-")
        os.chmod(self.base, 0o755)
        make_tree(os.path.join(self.base, "tree"), 400)
        certs = os.path.join(self.base, "certs")
        subprocess.run([BINARY, "--gen-cert", "localhost", "--cert-dir", certs], check=True,
                       capture_output=True)
        readable(self.base)
        self.front = free_port()
        self.servers = []
        for name in ("a", "b"):
            # Each its own copy of the tree, as rsync would leave it.
            root = os.path.join(self.base, "root-" + name)
            shutil.copytree(os.path.join(self.base, "tree"), root)
            server = Server(root=root, args=["--proxy-protocol", "yes",
                                             "--public-port", str(self.front)])
            shutil.copytree(certs, server.cert_dir)
            self.servers.append(server)
        self.only = [free_port(), free_port()]
        self.haproxy = None

    def tearDown(self):
        if self.haproxy is not None and self.haproxy.poll() is None:
            self.haproxy.terminate()
            self.haproxy.wait(10)
        for server in self.servers:
            server.finish(check=False)
        shutil.rmtree(self.base, ignore_errors=True)

    def start(self):
        for server in self.servers:
            server.start()
        config = os.path.join(self.base, "haproxy.cfg")
        write(config, CONFIG.format(front=self.front, a=self.servers[0].port,
                                    b=self.servers[1].port, only_a=self.only[0],
                                    only_b=self.only[1]))
        with open(os.path.join(self.base, "haproxy.log"), "wb") as log:
            self.haproxy = subprocess.Popen([HAPROXY, "-f", config, "-db"],
                                            stdout=log, stderr=subprocess.STDOUT)
        self.assertTrue(wait_port(self.front), "haproxy did not listen")
        for port in self.only:
            end = time.monotonic() + 30
            while "being built" in self.get(port, "/archive/").text or \
                    "uniqword77" not in self.get(port, "/search?uniqword77").text:
                self.assertLess(time.monotonic(), end, "instance did not index the tree")
                time.sleep(0.1)

    def get(self, port, path):
        return gemini(port, "gemini://localhost:%d%s" % (self.front, path))

    def test_instances_answer_the_same_search_the_same_way(self):
        self.start()
        for words in WORDS:
            path = "/search?" + quote(words, safe="")
            a, b = self.get(self.only[0], path), self.get(self.only[1], path)
            self.assertEqual(a.status, 20, a)
            self.assertEqual(a.raw, b.raw, "instances differ on %s" % words)
        for path in ("/", "/archive/", "/archive/2015/03/", "/search/2?quartzfield"):
            self.assertEqual(self.get(self.only[0], path).raw, self.get(self.only[1], path).raw)
        # The client's address reached each instance through PROXY v2.
        self.assertIn("127.0.0.1", self.servers[0].log())

    def test_one_instance_stopped_under_load_loses_no_retriable_request(self):
        self.start()
        results, stop = [], threading.Event()
        lock = threading.Lock()

        def client(k):
            i = 0
            while not stop.is_set():
                path = "/search?uniqword%d" % ((k * 31 + i) % 400) if i % 2 else "/"
                started = time.monotonic()
                try:
                    r = self.get(self.front, path)
                    ok = r.status == 20 and r.close_notify
                    detail = r.header
                except OSError as e:
                    ok, detail = False, repr(e)
                with lock:
                    results.append((started, time.monotonic(), ok, detail))
                i += 1

        threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        victim = self.servers[0]
        term = time.monotonic()
        victim.proc.send_signal(signal.SIGTERM)
        victim.proc.wait(20)
        gone = time.monotonic()
        time.sleep(3)
        stop.set()
        for t in threads:
            t.join(30)
        before = [r for r in results if r[1] < term]
        after = [r for r in results if r[0] > gone]
        drained = [r for r in results if r not in before and r not in after]
        self.assertGreater(len(before), 20)
        self.assertGreater(len(after), 20)
        self.assertEqual([r for r in before if not r[2]], [])
        # The stopped instance refuses connections: HAProxy retried every
        # one of them on the other.
        self.assertEqual([r for r in after if not r[2]], [])
        lost = [r for r in drained if not r[2]]
        print("\n%d requests, %d during the %.0f ms drain, %d of them lost" % (
            len(results), len(drained), (gone - term) * 1000, len(lost)))
        self.assertEqual(self.haproxy.poll(), None)


if __name__ == "__main__":
    unittest.main()
