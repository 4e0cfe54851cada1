"""The Gemini core over real TLS: statuses, traversal, limits, TLS rules, signals."""
import hashlib
import os
import re
import signal
import socket
import ssl
import subprocess
import threading
import time
import unittest

from harness import Server, client_context, read_gemini, read_to_eof

BINARY_BYTES = bytes(range(256)) * 64 + b"\x00\r\n.\r\n"


def build_tree(base):
    root = os.path.join(base, "root")
    os.makedirs(os.path.join(root, "docs", "deep"))
    os.makedirs(os.path.join(root, "empty"))
    os.makedirs(os.path.join(root, ".well-known"))
    os.makedirs(os.path.join(root, ".git"))
    with open(os.path.join(root, "index.gmi"), "w") as f:
        f.write("# Test capsule\n=> docs/ Docs\n")
    with open(os.path.join(root, "docs", "index.gmi"), "w") as f:
        f.write("# Docs\n")
    with open(os.path.join(root, "docs", "deep", "note.gmi"), "w") as f:
        f.write("deep note\n")
    with open(os.path.join(root, "café.gmi"), "w") as f:
        f.write("# Café\n")
    with open(os.path.join(root, "blob.bin"), "wb") as f:
        f.write(BINARY_BYTES)
    with open(os.path.join(root, "big.dat"), "wb") as f:
        f.write(os.urandom(1 << 20))
    with open(os.path.join(root, "%2e"), "w") as f:
        f.write("literal percent-2e file\n")
    with open(os.path.join(root, ".secret"), "w") as f:
        f.write("hidden\n")
    with open(os.path.join(root, ".git", "config"), "w") as f:
        f.write("hidden\n")
    with open(os.path.join(root, ".well-known", "security.txt"), "w") as f:
        f.write("Contact: mailto:x@example.org\n")
    with open(os.path.join(base, "outside.gmi"), "w") as f:
        f.write("OUTSIDE THE ROOT\n")
    os.symlink("/etc/passwd", os.path.join(root, "passwd.gmi"))
    os.symlink("../outside.gmi", os.path.join(root, "escape.gmi"))
    os.symlink(base, os.path.join(root, "escape-dir"))
    os.symlink("docs/index.gmi", os.path.join(root, "inside.gmi"))
    for dirpath, dirnames, filenames in os.walk(base):
        os.chmod(dirpath, 0o755)
    return root


class GeminiServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.base = tempfile.mkdtemp(prefix="capsuled-tree-")
        os.chmod(cls.base, 0o755)
        cls.root = build_tree(cls.base)
        cls.server = Server(root=cls.root, archive=False, request_timeout=3, gopher=False)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        import shutil
        shutil.rmtree(cls.base, ignore_errors=True)
        shutil.rmtree(cls.server.tmp, ignore_errors=True)

    def get(self, path, **kw):
        return self.server.gemini(path, **kw)

    # 20 ----------------------------------------------------------------------
    def test_home_served_for_empty_path_and_slash(self):
        for url in ("gemini://localhost:%d" % self.server.port, "gemini://localhost:%d/" % self.server.port):
            r = self.server.request(url + "\r\n")
            self.assertEqual(r.status, 20, url)
            self.assertEqual(r.meta, "text/gemini; charset=utf-8; lang=en")
            self.assertIn(b"# Test capsule", r.body)
            self.assertTrue(r.close_notify)

    def test_host_and_scheme_compare_case_insensitively(self):
        r = self.server.request("GEMINI://LOCALHOST:%d/\r\n" % self.server.port)
        self.assertEqual(r.status, 20)

    def test_default_port_equals_no_port_only_for_public_port(self):
        r = self.server.request("gemini://localhost/\r\n")  # our public port is not 1965
        self.assertEqual(r.status, 53)

    def test_iri_and_percent_encoded_names_reach_the_same_file(self):
        raw = self.get("/café.gmi")
        encoded = self.get("/caf%C3%A9.gmi")
        self.assertEqual(raw.status, 20)
        self.assertEqual(raw.body, encoded.body)
        self.assertIn("# Café", raw.text)

    def test_double_encoding_decodes_once(self):
        r = self.get("/%252e")
        self.assertEqual(r.status, 20)
        self.assertIn(b"literal percent-2e", r.body)

    def test_binary_file_byte_for_byte(self):
        r = self.get("/blob.bin")
        self.assertEqual(r.status, 20)
        self.assertEqual(r.meta, "application/octet-stream")
        self.assertEqual(r.body, BINARY_BYTES)
        self.assertTrue(r.close_notify)

    def test_one_mebibyte_file_byte_for_byte(self):
        r = self.get("/big.dat")
        self.assertEqual(r.status, 20)
        with open(os.path.join(self.root, "big.dat"), "rb") as f:
            expected = f.read()
        self.assertEqual(len(r.body), len(expected))
        self.assertEqual(hashlib.sha256(r.body).digest(), hashlib.sha256(expected).digest())

    def test_well_known_is_not_hidden(self):
        r = self.get("/.well-known/security.txt")
        self.assertEqual(r.status, 20)
        self.assertTrue(r.meta.startswith("text/plain"), r.meta)

    def test_symlink_inside_root_is_followed(self):
        r = self.get("/inside.gmi")
        self.assertEqual(r.status, 20)
        self.assertIn(b"# Docs", r.body)

    # 31 and directories ---------------------------------------------------------
    def test_directory_without_slash_redirects(self):
        r = self.get("/docs")
        self.assertEqual(r.status, 31)
        self.assertEqual(r.meta, "/docs/")
        self.assertEqual(r.body, b"")
        r = self.get("/docs/deep")
        self.assertEqual((r.status, r.meta), (31, "/docs/deep/"))

    def test_directory_index_and_listing(self):
        self.assertIn(b"# Docs", self.get("/docs/").body)
        listing = self.get("/docs/deep/")
        self.assertEqual(listing.status, 20)
        self.assertIn("=> note.gmi", listing.text)
        self.assertIn("=> ../", listing.text)

    def test_listing_hides_dotfiles_and_escaping_symlinks(self):
        r = self.get("/empty/")
        self.assertEqual(r.status, 20)
        os.remove(os.path.join(self.root, "index.gmi"))
        try:
            listing = self.get("/").text
        finally:
            with open(os.path.join(self.root, "index.gmi"), "w") as f:
                f.write("# Test capsule\n=> docs/ Docs\n")
        self.assertIn("blob.bin", listing)
        for hidden in (".secret", ".git", "passwd.gmi", "escape.gmi", "escape-dir"):
            self.assertNotIn(hidden, listing)

    # 51 ------------------------------------------------------------------------
    def test_missing_file(self):
        r = self.get("/nope.gmi")
        self.assertEqual(r.status, 51)
        self.assertEqual(r.body, b"")
        self.assertTrue(r.close_notify)

    def test_dotfiles_hidden(self):
        for path in ("/.secret", "/.git/config", "/docs/../.secret"):
            r = self.get(path)
            self.assertIn(r.status, (51, 59), path)
            self.assertNotIn(b"hidden", r.body)

    def test_symlinks_out_of_root_refused(self):
        for path in ("/passwd.gmi", "/escape.gmi", "/escape-dir/outside.gmi", "/escape-dir/"):
            r = self.get(path)
            self.assertEqual(r.status, 51, path)
            self.assertNotIn(b"root:", r.body)
            self.assertNotIn(b"OUTSIDE", r.body)

    # traversal families: never outside the root, always a clear refusal
    def test_traversal_families(self):
        attempts = [
            "/../outside.gmi", "/docs/../../outside.gmi", "/%2e%2e/outside.gmi",
            "/%2E%2E/outside.gmi", "/.%2e/outside.gmi", "/docs/%2e%2e/%2e%2e/outside.gmi",
            "/..%2Foutside.gmi", "/docs%2F..%2F..%2Foutside.gmi", "/%2e%2e%2foutside.gmi",
            "/..\\outside.gmi", "/docs%5C..%5C..%5Coutside.gmi", "/%252e%252e/outside.gmi",
            "/%00/etc/passwd", "/docs/%00", "/./index.gmi", "//etc/passwd",
        ]
        for path in attempts:
            r = self.server.request("gemini://localhost:%d%s\r\n" % (self.server.port, path))
            self.assertIn(r.status, (51, 59), path)
            self.assertNotIn(b"OUTSIDE", r.body, path)
            self.assertNotIn(b"root:", r.body, path)

    # 53 ------------------------------------------------------------------------
    def test_foreign_scheme_host_port(self):
        port = self.server.port
        for line in ("https://localhost:%d/" % port, "gopher://localhost:%d/" % port,
                     "gemini://example.org:%d/" % port, "gemini://localhost:%d/" % (port + 1)):
            r = self.server.request(line + "\r\n")
            self.assertEqual(r.status, 53, line)
            self.assertEqual(r.body, b"")

    def test_ip_literal_reaches_default_host(self):
        r = self.server.request("gemini://127.0.0.1:%d/\r\n" % self.server.port, sni=None)
        self.assertEqual(r.status, 20)

    # 59 ------------------------------------------------------------------------
    def test_malformed_requests(self):
        port = self.server.port
        cases = [
            b"\r\n", b"/\r\n", b"index.gmi\r\n", b"//localhost/\r\n", b"localhost/\r\n",
            ("gemini://user@localhost:%d/\r\n" % port).encode(),
            ("gemini://u:pw@localhost:%d/\r\n" % port).encode(),
            ("gemini://localhost:%d/#frag\r\n" % port).encode(),
            ("gemini://localhost:%d/\xff\r\n" % port).encode("latin-1"),
            ("gemini://localhost:%d/a\x00b\r\n" % port).encode(),
            ("gemini://localhost:%d/a\tb\r\n" % port).encode(),
            ("gemini://localhost:%d/a b\r\n" % port).encode(),
            ("gemini://localhost:%d/%%G1\r\n" % port).encode(),
            ("\ufeffgemini://localhost:%d/\r\n" % port).encode(),
            ("gemini://localhost:%d/\n" % port).encode(),
            ("gemini://:%d/\r\n" % port).encode(),
        ]
        for line in cases:
            r = self.server.request(line)
            self.assertEqual(r.status, 59, line)
            self.assertEqual(r.body, b"", line)
            self.assertTrue(r.close_notify, line)

    def test_1024_byte_url_accepted_1025_refused(self):
        prefix = "gemini://localhost:%d/" % self.server.port
        url = prefix + "a" * (1024 - len(prefix))
        self.assertEqual(len(url.encode()), 1024)
        self.assertEqual(self.server.request(url + "\r\n").status, 51)
        self.assertEqual(self.server.request(url + "a\r\n").status, 59)

    def test_bytes_after_crlf_ignored(self):
        r = self.server.request(self.server.url("/docs/") + "\r\nGARBAGE\r\n")
        self.assertEqual(r.status, 20)

    def test_bad_request_is_logged_escaped(self):
        self.server.request(b"gemini://localhost/\x1b[31mred\r\n")
        time.sleep(0.2)
        log = self.server.log()
        self.assertIn("\\x1b[31mred", log)
        self.assertNotIn("\x1b", log)

    # TLS -----------------------------------------------------------------------
    def test_tls12_and_tls13_accepted(self):
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            ctx = client_context(min_version=version, max_version=version)
            r = self.get("/", ctx=ctx)
            self.assertEqual(r.status, 20, version)
            self.assertTrue(r.close_notify, version)

    def test_tls11_refused(self):
        ctx = client_context(min_version=ssl.TLSVersion.TLSv1_1, max_version=ssl.TLSVersion.TLSv1_1)
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        with self.assertRaises(ssl.SSLError) as caught:
            self.get("/", ctx=ctx)
        # The server's refusal, not a client unable to offer TLS 1.1.
        self.assertRegex(str(caught.exception), "PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|WRONG_VERSION")

    def test_no_sni_gets_default_certificate(self):
        r = self.server.request(self.server.url("/") + "\r\n", sni=None)
        self.assertEqual(r.status, 20)

    def test_client_certificate_accepted_on_public_page(self):
        key = os.path.join(self.server.tmp, "client.key")
        crt = os.path.join(self.server.tmp, "client.crt")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", crt,
                        "-subj", "/CN=reader", "-days", "1"], check=True, capture_output=True)
        r = self.get("/", ctx=client_context(cert=(crt, key)))
        self.assertEqual(r.status, 20)

    def test_plaintext_request_gets_no_gemini_answer(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(self.server.url("/").encode() + b"\r\n")
            data = b""
            try:
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            except ConnectionResetError:
                pass
        self.assertFalse(data.startswith(b"20"))

    def test_openssl_s_client(self):
        out = subprocess.run(
            ["openssl", "s_client", "-connect", "127.0.0.1:%d" % self.server.port,
             "-servername", "localhost", "-quiet"],
            input=(self.server.url("/") + "\r\n").encode(), capture_output=True, timeout=20)
        self.assertIn(b"20 text/gemini; charset=utf-8; lang=en", out.stdout)
        self.assertIn(b"# Test capsule", out.stdout)

    # limits --------------------------------------------------------------------
    def test_slow_client_cut_off_while_others_are_served(self):
        slow = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        tls = client_context().wrap_socket(slow, server_hostname="localhost")
        started = time.monotonic()
        closed_after = None

        def dribble():
            nonlocal closed_after
            try:
                for ch in self.server.url("/").encode():
                    tls.send(bytes([ch]))
                    time.sleep(1)
            except (OSError, ssl.SSLError):
                closed_after = time.monotonic() - started
        t = threading.Thread(target=dribble)
        t.start()
        time.sleep(0.5)
        fast_started = time.monotonic()
        r = self.get("/")
        fast_time = time.monotonic() - fast_started
        t.join(30)
        tls.close()
        self.assertEqual(r.status, 20)
        self.assertLess(fast_time, 2.5, "a slow client delayed another")
        self.assertIsNotNone(closed_after, "the slow client was never cut off")
        self.assertLess(closed_after, 3 + 3)

    def test_idle_connections_do_not_block_a_request(self):
        idle = [socket.create_connection(("127.0.0.1", self.server.port)) for _ in range(200)]
        handshaken = [client_context().wrap_socket(
            socket.create_connection(("127.0.0.1", self.server.port)), server_hostname="localhost")
            for _ in range(20)]
        try:
            r = self.get("/", timeout=5)
            self.assertEqual(r.status, 20)
        finally:
            for s in idle + handshaken:
                s.close()


class ConnectionCapTest(unittest.TestCase):
    def test_connections_over_the_cap_closed_and_logged(self):
        with Server(args=["--max-connections", "4"], archive=False, gopher=False) as srv:
            # Handshaken, so each is known to have been accepted.
            held = [srv.connect_tls() for _ in range(4)]
            extra = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            extra.sendall(b"\x16\x03\x01")  # the start of a ClientHello: accepted at once
            try:
                self.assertEqual(extra.recv(10), b"")
            except ConnectionResetError:
                pass
            extra.close()
            for s in held:
                s.close()
            time.sleep(0.5)
            self.assertEqual(srv.gemini("/").status, 20)
            self.assertIn("connection limit (4) reached", srv.log())


class PerAddressLimitsTest(unittest.TestCase):
    """Limits per client address; loopback is exempt by default, so these
    servers are told to count it."""

    def test_rate_limit_answers_44(self):
        # Six a minute after a burst of three: a token every 10 s, so the
        # fourth request is over the limit however slowly the first ran.
        args = ["--limit-loopback", "yes", "--rate-limit", "6", "--rate-burst", "3"]
        with Server(args=args, archive=False) as srv:
            for _ in range(3):
                self.assertEqual(srv.gemini("/").status, 20)
            r = srv.gemini("/")
            self.assertEqual(r.status, 44, r)
            self.assertTrue(r.meta.isdigit() and 1 <= int(r.meta) <= 10, r.meta)
            self.assertTrue(r.close_notify)
            time.sleep(0.2)
            self.assertRegex(srv.log(), r'gemini 127\.0\.0\.1 localhost "[^"]*" 44 ')

    def test_gopher_answers_wait_instead_of_failing(self):
        # Twelve a minute after a burst of two: the bucket fills one token
        # every 5 s from the first request, so the third answer cannot
        # come before 5 s after it, however slowly the first two went;
        # then it comes whole, not as an error.
        args = ["--limit-loopback", "yes", "--rate-limit", "12", "--rate-burst", "2"]
        with Server(args=args, archive=False) as srv:
            started = time.monotonic()
            first = srv.gopher(b"/\r\n")
            self.assertEqual(srv.gopher(b"/\r\n"), first)
            third = srv.gopher(b"/\r\n")
            self.assertGreater(time.monotonic() - started, 4.5)
            self.assertEqual(third, first)
            self.assertFalse(third.startswith(b"3"), third[:80])

    def test_loopback_exempt_by_default(self):
        with Server(args=["--rate-limit", "60", "--rate-burst", "1",
                          "--max-connections-per-ip", "1"], archive=False, gopher=False) as srv:
            held = srv.connect_tls()
            for _ in range(5):
                self.assertEqual(srv.gemini("/").status, 20)
            held.close()

    def test_connections_per_address_capped_and_logged(self):
        args = ["--limit-loopback", "yes", "--max-connections-per-ip", "2"]
        with Server(args=args, archive=False, gopher=False) as srv:
            held = [srv.connect_tls() for _ in range(2)]
            with self.assertRaises((ssl.SSLError, OSError)):
                srv.gemini("/")
            held.pop().close()
            deadline = time.monotonic() + 5
            while True:
                try:
                    status = srv.gemini("/").status
                    break
                except (ssl.SSLError, OSError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            self.assertEqual(status, 20)
            held[0].close()
            self.assertIn("per-address connection limit (2) reached: connection from 127.0.0.1",
                          srv.log())

    def test_behind_a_balancer_the_proxied_address_counts(self):
        args = ["--proxy-protocol", "yes", "--rate-limit", "6", "--rate-burst", "1"]
        with Server(args=args, archive=False, gopher=False) as srv:
            def ask(client):
                sock = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
                sock.sendall(b"PROXY TCP4 %s 127.0.0.1 51234 %d\r\n" % (client, srv.port))
                tls = client_context().wrap_socket(sock, server_hostname="localhost",
                                                   suppress_ragged_eofs=False)
                tls.sendall((srv.url("/") + "\r\n").encode())
                status = read_gemini(tls).status
                tls.close()
                return status
            self.assertEqual(ask(b"203.0.113.7"), 20)
            self.assertEqual(ask(b"203.0.113.7"), 44)
            self.assertEqual(ask(b"203.0.113.8"), 20)


class SandboxTest(unittest.TestCase):
    """Landlock, on by default: a reload that names a root the running
    process was not started with cannot reach it."""

    def reload_with_a_new_host(self, sandbox):
        import shutil
        import tempfile
        outside = tempfile.mkdtemp(prefix="capsuled-outside-")
        try:
            os.chmod(outside, 0o755)
            with open(os.path.join(outside, "index.gmi"), "w") as f:
                f.write("# Outside the first roots\n")
            with Server(args=["--sandbox", sandbox], archive=False, gopher=False,
                        config_text="[server]\n") as srv:
                if sandbox == "yes" and "Landlock on" not in srv.log():
                    self.skipTest("no Landlock in this kernel: " + srv.log()[-300:])
                subprocess.run([srv.cmd[0], "--gen-cert", "other.example", "--cert-dir",
                                srv.cert_dir], check=True, capture_output=True)
                with open(srv.config_path, "a") as f:
                    f.write('[host "other.example"]\nroot = %s\n' % outside)
                srv.send_signal(signal.SIGHUP)
                deadline = time.monotonic() + 5
                while "reload" not in srv.log() and time.monotonic() < deadline:
                    time.sleep(0.05)
                r = srv.request("gemini://other.example:%d/\r\n" % srv.port, sni="other.example")
                return r, srv.log()
        finally:
            shutil.rmtree(outside, ignore_errors=True)

    def test_version_reports_the_sandbox(self):
        out = subprocess.run([os.environ.get("CAPSULED_BIN", "capsuled"), "--version"],
                             check=True, capture_output=True, text=True).stdout
        self.assertRegex(out, r"^capsuled \d+\.\d+\.\d+\n")
        self.assertRegex(out, r"\nsandbox: (Landlock ABI \d+ \(on unless sandbox = no\)|"
                              r"none \(this kernel has no Landlock\))\n")
        self.assertRegex(out, r"\nsystem-call filter: (seccomp \(on unless sandbox = no\)|"
                              r"none \(this kernel has no seccomp filter\))\n")
        self.assertRegex(out, r"\nprivate keys: in a key process of their own\n$")

    def test_a_reload_cannot_reach_a_root_outside_the_sandbox(self):
        r, log = self.reload_with_a_new_host("yes")
        self.assertIn("sandbox: Landlock on", log)
        self.assertRegex(log, r"reload: .*Permission denied.*keeping the running configuration")
        self.assertEqual(r.status, 53, r)
        self.assertNotIn(b"Outside", r.body)

    def test_without_the_sandbox_the_same_reload_reaches_it(self):
        r, log = self.reload_with_a_new_host("no")
        self.assertNotIn("Landlock on", log)
        self.assertIn("reloaded configuration", log)
        self.assertEqual(r.status, 20, r)
        self.assertIn(b"# Outside the first roots", r.body)


class PublicPortTest(unittest.TestCase):
    def test_behind_a_port_forward_the_public_port_counts(self):
        with Server(args=["--public-port", "1965"], archive=False, gopher=False) as srv:
            self.assertEqual(srv.request("gemini://localhost/\r\n").status, 20)
            self.assertEqual(srv.request("gemini://localhost:1965/\r\n").status, 20)
            self.assertEqual(srv.request("gemini://localhost:%d/\r\n" % srv.port).status, 53)


class ProxyProtocolTest(unittest.TestCase):
    V2_TCP4 = (b"\r\n\r\n\x00\r\nQUIT\n\x21\x11\x00\x0c"
               b"\xc6\x33\x64\x09\x7f\x00\x00\x01\xc8\x22\x07\xad")

    def test_client_address_taken_from_the_proxy_header(self):
        with Server(args=["--proxy-protocol", "yes"], archive=False) as srv:
            sock = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            sock.sendall(b"PROXY TCP4 203.0.113.7 127.0.0.1 51234 %d\r\n" % srv.port)
            tls = client_context().wrap_socket(sock, server_hostname="localhost",
                                               suppress_ragged_eofs=False)
            tls.sendall((srv.url("/") + "\r\n").encode())
            self.assertEqual(read_gemini(tls).status, 20)
            tls.close()
            with socket.create_connection(("127.0.0.1", srv.gopher_port), timeout=5) as g:
                g.sendall(self.V2_TCP4 + b"/\r\n")
                menu = read_to_eof(g)
            self.assertTrue(menu.endswith(b".\r\n"))
            time.sleep(0.2)
            log = srv.log()
            self.assertRegex(log, r"gemini 203\.0\.113\.7 localhost .* 20 ")
            self.assertRegex(log, r"gopher 198\.51\.100\.9 ")

    def test_connection_without_header_refused(self):
        with Server(args=["--proxy-protocol", "yes"], archive=False, gopher=False) as srv:
            with self.assertRaises((ssl.SSLError, OSError)):
                srv.gemini("/")
            time.sleep(0.2)
            self.assertIn("bad PROXY protocol header", srv.log())


class SignalTest(unittest.TestCase):
    def test_sighup_during_large_transfer_and_reload(self):
        with Server(archive=False, gopher=False) as srv:
            payload = os.urandom(24 << 20)
            with open(os.path.join(srv.root, "large.bin"), "wb") as f:
                f.write(payload)
            tls = srv.connect_tls()
            tls.sendall((srv.url("/large.bin") + "\r\n").encode())
            first = tls.recv(65536)
            srv.send_signal(signal.SIGHUP)
            time.sleep(0.5)
            rest = read_gemini(tls)
            tls.close()
            body = (first + rest.raw).partition(b"\r\n")[2]
            self.assertTrue(rest.close_notify)
            self.assertEqual(hashlib.sha256(body).digest(), hashlib.sha256(payload).digest())
            self.assertIn("reloaded configuration", srv.log())
            self.assertEqual(srv.gemini("/").status, 20)

    def test_sighup_loads_a_new_certificate(self):
        with Server(archive=False, gopher=False) as srv:
            before = srv.connect_tls()
            old = before.getpeercert(binary_form=True)
            before.close()
            crt = os.path.join(srv.cert_dir, "localhost.crt")
            key = os.path.join(srv.cert_dir, "localhost.key")
            os.remove(crt)
            subprocess.run([srv.cmd[0], "--gen-cert", "localhost", "--cert-dir", srv.cert_dir],
                           check=True, capture_output=True)
            srv.send_signal(signal.SIGHUP)
            time.sleep(0.5)
            after = srv.connect_tls()
            new = after.getpeercert(binary_form=True)
            after.close()
            self.assertNotEqual(old, new)
            self.assertTrue(os.path.exists(key))

    def test_sigterm_finishes_the_response_in_flight(self):
        with Server(archive=False, gopher=False) as srv:
            payload = os.urandom(16 << 20)
            with open(os.path.join(srv.root, "large.bin"), "wb") as f:
                f.write(payload)
            tls = srv.connect_tls()
            tls.sendall((srv.url("/large.bin") + "\r\n").encode())
            first = tls.recv(65536)
            srv.send_signal(signal.SIGTERM)
            rest = read_gemini(tls)
            tls.close()
            body = (first + rest.raw).partition(b"\r\n")[2]
            self.assertEqual(body, payload)
            self.assertTrue(rest.close_notify)
            self.assertEqual(srv.proc.wait(20), 0)
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", srv.port), timeout=2).close()


class CertificateTest(unittest.TestCase):
    def test_generated_certificate(self):
        with Server(archive=False, gopher=False) as srv:
            crt = os.path.join(srv.cert_dir, "localhost.crt")
            key = os.path.join(srv.cert_dir, "localhost.key")
            self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
            text = subprocess.run(["openssl", "x509", "-in", crt, "-noout", "-text"],
                                  capture_output=True, text=True, check=True).stdout
            self.assertIn("prime256v1", text)
            self.assertIn("DNS:localhost", text)
            self.assertIn("Not After : Dec 31 23:59:59 9999 GMT", text)
            fp = subprocess.run(["openssl", "x509", "-in", crt, "-noout", "-fingerprint", "-sha256"],
                                capture_output=True, text=True, check=True).stdout
            fingerprint = fp.strip().split("=", 1)[1].lower()
            self.assertIn(fingerprint, srv.log())

    def test_sni_selects_the_virtual_host(self):
        import tempfile
        base = tempfile.mkdtemp(prefix="capsuled-vhost-")
        os.chmod(base, 0o755)
        other = os.path.join(base, "other")
        os.makedirs(other)
        os.chmod(other, 0o755)
        with open(os.path.join(other, "index.gmi"), "w") as f:
            f.write("# Other host\n")
        config = '[host "other.test"]\nroot = %s\n' % other
        with Server(config_text=config, archive=False, gopher=False) as srv:
            default = srv.connect_tls(sni="localhost")
            default_cert = default.getpeercert(binary_form=True)
            default.close()
            vhost = srv.connect_tls(sni="other.test")
            vhost_cert = vhost.getpeercert(binary_form=True)
            vhost.sendall(("gemini://other.test:%d/\r\n" % srv.port).encode())
            r = read_gemini(vhost)
            vhost.close()
            self.assertNotEqual(default_cert, vhost_cert)
            self.assertIn(b"# Other host", r.body)
            self.assertIn(b"# ", srv.gemini("/").body)
            self.assertNotIn(b"Other host", srv.gemini("/").body)

    def test_check_config_and_bad_config(self):
        with Server(archive=False, gopher=False) as srv:
            ok = subprocess.run(srv.cmd + ["--check-config"], capture_output=True, text=True)
            self.assertEqual(ok.returncode, 0, ok.stderr)
            self.assertIn("port = %d" % srv.port, ok.stdout)
            bad = subprocess.run([srv.cmd[0], "--port", "99999"], capture_output=True, text=True)
            self.assertEqual(bad.returncode, 2)
            self.assertIn("port", bad.stderr)


class PrivilegeTest(unittest.TestCase):
    @unittest.skipUnless(os.geteuid() == 0, "needs root to drop privileges")
    def test_drops_to_unprivileged_user(self):
        with Server(args=["--user", "nobody"], archive=False) as srv:
            with open("/proc/%d/status" % srv.proc.pid) as f:
                status = f.read()
            uids = re.search(r"^Uid:\s+(.*)$", status, re.M).group(1).split()
            gids = re.search(r"^Gid:\s+(.*)$", status, re.M).group(1).split()
            groups = re.search(r"^Groups:[ \t]*(.*)$", status, re.M).group(1).split()
            self.assertTrue(all(u != "0" for u in uids), uids)
            self.assertTrue(all(g != "0" for g in gids), gids)
            self.assertEqual(groups, [])
            self.assertEqual(srv.gemini("/").status, 20)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to drop privileges")
    def test_relative_paths_work_after_dropping_under_a_private_directory(self):
        # The Quick start: a checkout in /root (mode 0700), started as root
        # with the default relative paths, serving as nobody.
        import shutil
        import tempfile
        from harness import SAMPLE_CAPSULE, free_port
        private = tempfile.mkdtemp(prefix="capsuled-private-")
        os.chmod(private, 0o700)
        site = os.path.join(private, "site")
        shutil.copytree(SAMPLE_CAPSULE, os.path.join(site, "capsule"))
        for dirpath, _dirs, _files in os.walk(site):
            os.chmod(dirpath, 0o755)
        port, gopher_port = free_port(), free_port()
        proc = subprocess.Popen(
            [os.environ.get("CAPSULED_BIN", "capsuled"), "--user", "nobody", "--listen", "127.0.0.1",
             "--port", str(port), "--gopher-port", str(gopher_port), "--log", "capsuled.log"],
            cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            log_path = os.path.join(site, "capsuled.log")
            deadline = time.monotonic() + 15
            log = ""
            while time.monotonic() < deadline and " serving with " not in log:
                self.assertIsNone(proc.poll(), log)
                time.sleep(0.1)
                log = open(log_path).read() if os.path.exists(log_path) else ""
            self.assertIn("running as nobody", log)
            url = "gemini://localhost:%d/archive/2014/02/" % port
            for _ in range(50):
                with client_context().wrap_socket(socket.create_connection(("127.0.0.1", port)),
                                                  server_hostname="localhost") as tls:
                    tls.sendall((url + "\r\n").encode())
                    r = read_gemini(tls)
                if b"russia-america-ceasefires" in r.body:
                    break
                time.sleep(0.2)
            self.assertEqual(r.status, 20, r.header)
            self.assertIn(b"russia-america-ceasefires", r.body)
            self.assertTrue(os.path.exists(os.path.join(site, "var", "archive.db")))
        finally:
            proc.terminate()
            self.assertEqual(proc.wait(20), 0)
            shutil.rmtree(private, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
