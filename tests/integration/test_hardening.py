"""Hardening and faults: the private key kept out of the server process
(its memory read through /proc/PID/mem), the key process and the server
process killed and started again by the main process, SIGHUP with a new
key, the progress deadline for responses on both protocols, SIGTERM
refusing new connections at once, and rate-limited lines for failed
handshakes and bad PROXY headers."""
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

from harness import Server, client_context, read_gemini, read_to_eof, wait_for

ROOT = os.geteuid() == 0


def children(pid):
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        return [int(p) for p in f.read().split()]


def threads(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"^Threads:\s+(\d+)", f.read(), re.M).group(1))


def processes(srv):
    """(server process, key process) under srv's main process: the server
    runs threads, the key process one."""
    def both():
        kids = children(srv.proc.pid)
        if len(kids) != 2:
            return None
        kids.sort(key=threads)
        return (kids[1], kids[0]) if threads(kids[1]) > 1 else None
    found = wait_for(both)
    if not found:
        raise AssertionError("no server and key process under %d" % srv.proc.pid)
    return found


def voluntary_switches(pid):
    """How often pid went to sleep: each wake-up of the key process."""
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", f.read(), re.M).group(1))


def fresh_requests(srv, n):
    """n Gemini requests at once, each a full handshake (a signature) on a
    new session, half over TLS 1.2: threads started, and their results
    (the status, or the exception) once joined."""
    results = [None] * n

    def one(i):
        ctx = client_context(max_version=ssl.TLSVersion.TLSv1_2 if i % 2 else None)
        try:
            results[i] = srv.gemini("/", ctx=ctx, timeout=10).status
        except (ssl.SSLError, OSError) as e:
            results[i] = e
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    return threads, results


def joined(threads, results):
    for t in threads:
        t.join(20)
    return results


def write_file(path, size):
    block = os.urandom(1 << 20)
    with open(path, "wb") as f:
        for _ in range(size >> 20):
            f.write(block)


def key_secrets(key_path):
    """Byte strings that only a copy of the key holds: its private number
    (both byte orders: OpenSSL keeps it in little-endian words), the DER
    encoding, and a line of the PEM file."""
    der = subprocess.run(["openssl", "pkey", "-in", key_path, "-outform", "DER"],
                         capture_output=True, check=True).stdout
    text = subprocess.run(["openssl", "pkey", "-in", key_path, "-noout", "-text"],
                          capture_output=True, text=True, check=True).stdout
    hexdigits = re.search(r"priv:\n((?:\s+[0-9a-f:]+\n)+)", text).group(1)
    scalar = bytes.fromhex(re.sub(r"[\s:]", "", hexdigits)).lstrip(b"\0")
    with open(key_path) as f:
        pem_line = f.read().splitlines()[1].encode()
    return {"private number": scalar, "private number, reversed": scalar[::-1],
            "DER": der, "PEM line": pem_line}


def memory_holds(pid, needles):
    """Which needles appear in the readable memory of pid (as root)."""
    found = set()
    with open("/proc/%d/maps" % pid) as maps, open("/proc/%d/mem" % pid, "rb", 0) as mem:
        for line in maps:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            name = fields[5] if len(fields) > 5 else ""
            if "r" not in fields[1] or name in ("[vvar]", "[vsyscall]") or end - start > 1 << 30:
                continue
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except OSError:
                continue
            found |= {name for name, needle in needles.items() if needle in data}
    return found


def fingerprint(tls):
    return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()


class KeyIsolationTest(unittest.TestCase):
    @unittest.skipUnless(ROOT, "reading another process's memory needs root")
    def test_the_key_is_in_the_key_process_and_not_in_the_server_process(self):
        with Server(archive=False) as srv:
            for _ in range(5):
                self.assertEqual(srv.gemini("/").status, 20)
            secrets = key_secrets(os.path.join(srv.cert_dir, "localhost.key"))
            server, key = processes(srv)
            self.assertEqual(memory_holds(server, secrets), set(),
                             "the server process holds the private key")
            # The search works: the key process does hold it.
            held = memory_holds(key, secrets)
            self.assertTrue(held & {"private number", "private number, reversed"}, held)
            self.assertEqual(srv.gemini("/").status, 20)

    def test_a_stopped_key_process_fails_handshakes_and_a_killed_one_is_replaced(self):
        with Server(archive=False, gopher=False) as srv:
            self.assertEqual(srv.gemini("/").status, 20)
            _, key = processes(srv)
            os.kill(key, signal.SIGSTOP)
            with self.assertRaises((ssl.SSLError, OSError)):
                srv.gemini("/", timeout=8)
            self.assertIn("the key process does not answer; handshake refused", srv.log())
            os.kill(key, signal.SIGKILL)
            wait_for(lambda: "keys of 1 host(s) are loaded" in srv.log())
            log = srv.log()
            self.assertIn("key process (pid %d) was killed by signal 9" % key, log)
            self.assertIn("key process started again: the keys of 1 host(s) are loaded", log)
            self.assertEqual(srv.gemini("/").status, 20)
            self.assertNotIn(key, children(srv.proc.pid))

    def test_sighup_with_a_new_rsa_key_serves_it_over_tls_1_2_and_1_3(self):
        with Server(archive=False, gopher=False) as srv:
            before = srv.connect_tls()
            old = fingerprint(before)
            before.close()
            crt = os.path.join(srv.cert_dir, "localhost.crt")
            key = os.path.join(srv.cert_dir, "localhost.key")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", key, "-out", crt, "-days", "2", "-subj", "/CN=localhost"],
                           check=True, capture_output=True)
            srv.send_signal(signal.SIGHUP)
            wait_for(lambda: "reloaded configuration: changed certificate of localhost" in srv.log())
            self.assertIn("reloaded configuration: changed certificate of localhost", srv.log())
            for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
                ctx = client_context(min_version=version, max_version=version)
                with self.subTest(version=version), srv.connect_tls(ctx=ctx) as tls:
                    self.assertNotEqual(fingerprint(tls), old)
                    tls.sendall((srv.url("/") + "\r\n").encode())
                    self.assertEqual(read_gemini(tls).status, 20)


class AsyncSigningTest(unittest.TestCase):
    """A loop does not wait for the key process: its handshakes pause for
    their signatures, which the key process answers in batches."""

    def test_many_handshakes_at_once_on_one_loop_each_get_their_signature(self):
        with Server(archive=False, gopher=False, workers=1) as srv:
            for _ in range(3):
                self.assertEqual(joined(*fresh_requests(srv, 40)), [20] * 40)
            self.assertNotIn("handshake refused", srv.log())

    def test_a_slow_key_process_holds_up_only_the_handshakes_it_signs(self):
        with Server(archive=False, workers=1) as srv:
            ctx = client_context()
            with srv.connect_tls(ctx=ctx) as tls:
                tls.sendall((srv.url("/") + "\r\n").encode())
                read_gemini(tls)
                session = tls.session
            _, key = processes(srv)
            os.kill(key, signal.SIGSTOP)
            try:
                waiting = fresh_requests(srv, 12)
                time.sleep(0.4)
                # The same loop serves Gopher and a resumed session (no
                # signature) meanwhile.
                started = time.monotonic()
                menu = srv.gopher("/\r\n")
                gopher_s = time.monotonic() - started
                started = time.monotonic()
                sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
                with ctx.wrap_socket(sock, server_hostname="localhost", session=session) as tls:
                    tls.sendall((srv.url("/") + "\r\n").encode())
                    status = read_gemini(tls).status
                    reused = tls.session_reused
                resumed_s = time.monotonic() - started
                before = voluntary_switches(key)
            finally:
                os.kill(key, signal.SIGCONT)
            self.assertEqual(joined(*waiting), [20] * 12)
            self.assertTrue(menu.endswith(b".\r\n"))
            self.assertEqual((status, reused), (20, True))
            self.assertLess(gopher_s, 0.5)
            self.assertLess(resumed_s, 0.5)
            # Twelve requests, read and answered in a wake-up or two.
            self.assertLess(voluntary_switches(key) - before, 6)

    def test_a_key_process_killed_with_requests_out_fails_them_at_once(self):
        with Server(archive=False, gopher=False, workers=1) as srv:
            self.assertEqual(srv.gemini("/").status, 20)
            _, key = processes(srv)
            os.kill(key, signal.SIGSTOP)
            try:
                waiting = fresh_requests(srv, 6)
                time.sleep(0.4)
            finally:
                killed = time.monotonic()
                os.kill(key, signal.SIGKILL)
            results = joined(*waiting)
            # At once: not after the 2 s a request waits for its answer.
            self.assertLess(time.monotonic() - killed, 1.5)
            self.assertTrue(all(isinstance(r, Exception) for r in results), results)
            self.assertIn("the key process does not answer; handshake refused", srv.log())
            wait_for(lambda: "key process started again" in srv.log())
            # The loop's channel to the new key process signs as before.
            self.assertEqual(joined(*fresh_requests(srv, 10)), [20] * 10)


class SupervisorTest(unittest.TestCase):
    def test_a_killed_server_process_is_replaced_and_its_listeners_never_close(self):
        with Server(archive=False) as srv:
            self.assertEqual(srv.gemini("/").status, 20)
            server, _ = processes(srv)
            os.kill(server, signal.SIGKILL)
            # Connected while no server process runs: queued, then served.
            during = socket.create_connection(("127.0.0.1", srv.gopher_port), timeout=10)
            during.sendall(b"/\r\n")
            menu = b""
            while not menu.endswith(b".\r\n"):
                data = during.recv(65536)
                if not data:
                    break
                menu += data
            during.close()
            self.assertTrue(menu.endswith(b".\r\n"), menu[-200:])
            self.assertEqual(srv.gemini("/").status, 20)
            log = srv.log()
            self.assertIn("server process (pid %d) was killed by signal 9" % server, log)
            self.assertEqual(log.count(" serving with "), 2)
            self.assertNotIn(server, children(srv.proc.pid))


class ProgressDeadlineTest(unittest.TestCase):
    WRITE = ["--write-timeout", "2", "--write-min-rate", str(1 << 20)]

    def stalled(self, srv, connect, request):
        """Read 64 KiB of the 40 MB file, then nothing: seconds from the
        stop to the stall's log line."""
        sock = connect()
        sock.sendall(request)
        got = 0
        while got < 64 << 10:
            got += len(sock.recv(65536))
        stopped = time.monotonic()
        self.assertTrue(wait_for(lambda: "response stalled" in srv.log(), 15), srv.log()[-2000:])
        elapsed = time.monotonic() - stopped
        sock.close()
        return elapsed

    def test_a_reader_that_stops_is_closed_within_write_timeout(self):
        srv = Server(archive=False, args=self.WRITE)
        write_file(os.path.join(srv.root, "big.bin"), 40 << 20)
        with srv:
            elapsed = self.stalled(srv, srv.connect_tls, (srv.url("/big.bin") + "\r\n").encode())
            self.assertLess(elapsed, 2 + 1.5)
            self.assertRegex(srv.log(), r'gemini 127\.0\.0\.1 localhost "[^"]*big\.bin" 20 \d+ '
                                        r'\d+ms cut: stalled')

    def test_a_gopher_reader_that_stops_is_closed_too(self):
        srv = Server(archive=False, args=self.WRITE)
        write_file(os.path.join(srv.root, "big.bin"), 40 << 20)
        with srv:
            connect = lambda: socket.create_connection(("127.0.0.1", srv.gopher_port), timeout=10)
            elapsed = self.stalled(srv, connect, b"/big.bin\r\n")
            self.assertLess(elapsed, 2 + 1.5)
            self.assertIn("gopher 127.0.0.1: response stalled", srv.log())

    def test_a_reader_at_write_min_rate_gets_the_whole_file(self):
        srv = Server(archive=False, gopher=False, args=self.WRITE)
        size = 8 << 20
        write_file(os.path.join(srv.root, "big.bin"), size)
        with srv, srv.connect_tls(timeout=30) as tls:
            tls.sendall((srv.url("/big.bin") + "\r\n").encode())
            started, got, raw = time.monotonic(), 0, []
            while True:
                data = tls.recv(16384)
                if not data:
                    break
                raw.append(data)
                got += len(data)
                # Never ahead of 1 MiB/s: exactly the least rate allowed.
                ahead = got / (1 << 20) - (time.monotonic() - started)
                if ahead > 0:
                    time.sleep(ahead)
            body = b"".join(raw).partition(b"\r\n")[2]
            self.assertEqual(len(body), size)
            self.assertNotIn("stalled", srv.log())


class LingeringCloseTest(unittest.TestCase):
    """Bytes a client sends after its request are still unread when the
    response is written out; closing over them would reset the connection
    and throw away the tail of the response still queued to send.  The
    client here sends them once the response has begun, then reads late,
    so that at the server's last write megabytes are still unsent."""
    def large_file(self, srv):
        """16 MiB of random bytes as /large.bin: more than the socket
        buffers on both sides hold."""
        payload = os.urandom(16 << 20)
        with open(os.path.join(srv.root, "large.bin"), "wb") as f:
            f.write(payload)
        return payload

    def after_the_response_began(self, sock, raw_fd):
        """The first bytes of the response; then bytes beside the
        protocol (never read as TLS records: the request is in) and a
        pause."""
        first = sock.recv(1 << 14)
        os.write(raw_fd, b"\x17\x03\x03\x00\x05extra" * 20)
        time.sleep(1.0)
        return first

    def test_gemini_bytes_after_the_request_do_not_cut_the_response(self):
        srv = Server(archive=False, gopher=False)
        payload = self.large_file(srv)
        with srv, srv.connect_tls(timeout=20) as tls:
            tls.sendall((srv.url("/large.bin") + "\r\n").encode())
            first = self.after_the_response_began(tls, tls.fileno())
            rest = read_gemini(tls)
            self.assertEqual((first + rest.raw).partition(b"\r\n")[2], payload)
            self.assertTrue(rest.close_notify)

    def test_gopher_bytes_after_the_selector_do_not_cut_the_response(self):
        srv = Server(archive=False)
        payload = self.large_file(srv)
        with srv, socket.create_connection(("127.0.0.1", srv.gopher_port), timeout=20) as s:
            s.sendall(b"/large.bin\r\n")
            first = self.after_the_response_began(s, s.fileno())
            self.assertEqual(first + read_to_eof(s), payload)


class ShutdownTest(unittest.TestCase):
    def test_sigterm_refuses_new_connections_at_once_and_finishes_the_one_in_flight(self):
        srv = Server(archive=False)
        payload = os.urandom(16 << 20)
        with open(os.path.join(srv.root, "large.bin"), "wb") as f:
            f.write(payload)
        with srv:
            tls = srv.connect_tls()
            tls.sendall((srv.url("/large.bin") + "\r\n").encode())
            first = tls.recv(65536)
            srv.send_signal(signal.SIGTERM)
            wait_for(lambda: "finishing responses in flight" in srv.log())
            for port in (srv.port, srv.gopher_port):
                with self.assertRaises(ConnectionRefusedError):
                    socket.create_connection(("127.0.0.1", port), timeout=2).close()
            rest = read_gemini(tls)
            tls.close()
            self.assertEqual((first + rest.raw).partition(b"\r\n")[2], payload)
            self.assertTrue(rest.close_notify)
            self.assertEqual(srv.proc.wait(20), 0)

    def test_a_transfer_cut_at_the_shutdown_deadline_is_logged_as_cut(self):
        srv = Server(archive=False, gopher=False, args=["--shutdown-timeout", "1"])
        write_file(os.path.join(srv.root, "big.bin"), 40 << 20)
        with srv:
            tls = srv.connect_tls()
            tls.sendall((srv.url("/big.bin") + "\r\n").encode())
            tls.recv(65536)
            srv.send_signal(signal.SIGTERM)
            self.assertEqual(srv.proc.wait(20), 0)
            tls.close()
            self.assertRegex(srv.log(), r'"[^"]*big\.bin" 20 \d+ \d+ms cut: shutdown deadline')


class FailureLogTest(unittest.TestCase):
    def test_a_failed_handshake_is_one_line_and_a_flood_is_bounded(self):
        with Server(archive=False, gopher=False) as srv:
            ctx = client_context()
            ctx.set_ciphers("AES128-SHA256")  # RSA key exchange: no cipher in common
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            with self.assertRaises(ssl.SSLError):
                srv.connect_tls(ctx=ctx)
            self.assertTrue(wait_for(lambda: "TLS handshake failed" in srv.log()))
            self.assertRegex(srv.log(), r"gemini 127\.0\.0\.1: TLS handshake failed: \S")
            for _ in range(100):
                with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock:
                    sock.sendall(b"\x16\x03\x01\x00\x05garbage")
                    try:
                        sock.recv(100)
                    except OSError:
                        pass
            time.sleep(0.5)
            self.assertLessEqual(srv.log().count("TLS handshake failed"), 20)
            self.assertEqual(srv.gemini("/").status, 20)

    def test_a_bad_proxy_header_is_one_line_without_the_address_when_asked(self):
        args = ["--proxy-protocol", "yes", "--log-addresses", "no"]
        with Server(archive=False, gopher=False, args=args) as srv:
            for _ in range(60):
                with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock:
                    sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
                    try:
                        sock.recv(100)
                    except OSError:
                        pass
            wait_for(lambda: "bad PROXY protocol header" in srv.log())
            log = srv.log()
            self.assertIn("gemini -: bad PROXY protocol header (malformed), closed", log)
            self.assertLessEqual(log.count("bad PROXY protocol header"), 20)
            self.assertNotIn("gemini 127.0.0.1", log)


if __name__ == "__main__":
    unittest.main()
