"""capsuled as a service: what a reload applies and says, session tickets
across a reload, the log through rotation (SIGUSR1, a failed reopen),
systemd's notifications, socket activation and journal priorities, and
the directories it keeps, owned by the user it runs as."""
import os
import pwd
import re
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

from harness import Server, capsuled_lines, client_context, read_gemini, wait_for

ROOT = os.geteuid() == 0


def wait_for_log(srv, text, count=1, timeout=10):
    """Wait until text appears count times in the log; the log."""
    wait_for(lambda: srv.log().count(text) >= count, timeout)
    log = srv.log()
    if log.count(text) < count:
        raise AssertionError("%r not logged %d time(s):\n%s" % (text, count, log[-3000:]))
    return log


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace(old, new))


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def feed_entries(srv):
    return srv.gemini("/atom.xml").text.count("<entry>")


class ReloadTest(unittest.TestCase):
    CONFIG = ("[server]\ntitle = First title\nfeed_entries = 3\nlimit_loopback = yes\n"
              "rate_limit = 600\nrate_burst = 60\ncache_bytes = 32M\n")

    def test_reload_applies_title_feed_and_limits_and_says_what_changed(self):
        with Server(config_text=self.CONFIG) as srv:
            self.assertTrue(wait_for(lambda: feed_entries(srv) == 3))
            self.assertIn("# First title: articles by date", srv.gemini("/archive/").text)
            self.assertIn(b"iFirst title: articles by date", srv.gopher("/archive/\r\n"))
            edit(srv.config_path, "First title", "Second title")
            edit(srv.config_path, "feed_entries = 3", "feed_entries = 1")
            edit(srv.config_path, "rate_limit = 600\nrate_burst = 60",
                 "rate_limit = 1\nrate_burst = 4")
            edit(srv.config_path, "cache_bytes = 32M", "cache_bytes = 16M")
            srv.send_signal(signal.SIGHUP)
            log = wait_for_log(srv, "reloaded configuration")
            self.assertIn("reloaded configuration: changed rate_limit, rate_burst, title, "
                          "feed_entries; needs a restart: cache_bytes (kept as running)", log)
            self.assertEqual(len(re.findall(r"reloaded configuration", log)), 1)
            page = srv.gemini("/archive/")
            self.assertIn("# Second title: articles by date", page.text)
            self.assertNotIn("First title", page.text)
            self.assertIn(b"iSecond title: articles by date", srv.gopher("/archive/\r\n"))
            self.assertEqual(feed_entries(srv), 1)
            # The bucket is kept, its tokens cut down to the new burst of 4:
            # three requests made since, the fifth is over the rate.
            self.assertEqual([srv.gemini("/").status for _ in range(2)], [20, 44])

    def test_unchanged_reload_says_so_and_a_broken_file_keeps_the_running_one(self):
        with Server(config_text=self.CONFIG) as srv:
            srv.send_signal(signal.SIGHUP)
            wait_for_log(srv, "reloaded configuration: nothing changed")
            edit(srv.config_path, "title = First title", "title_typo = Second")
            srv.send_signal(signal.SIGHUP)
            log = wait_for_log(srv, "keeping the running configuration")
            self.assertIn('unknown setting "title_typo"', log)
            # Loud: on stderr too, not only in the log file.
            self.assertIn("keeping the running configuration", srv.output())
            self.assertIn("# First title", srv.gemini("/archive/").text)

    def test_a_renewed_certificate_is_named_with_its_fingerprint(self):
        with Server(archive=False, gopher=False) as srv:
            os.remove(os.path.join(srv.cert_dir, "localhost.crt"))
            subprocess.run([srv.cmd[0], "--gen-cert", "localhost", "--cert-dir", srv.cert_dir],
                           check=True, capture_output=True)
            srv.send_signal(signal.SIGHUP)
            log = wait_for_log(srv, "reloaded configuration")
            self.assertRegex(log, r"reloaded configuration: changed certificate of localhost "
                                  r"\(SHA-256 ([0-9a-f]{2}:){31}[0-9a-f]{2}\)")


class SessionTicketTest(unittest.TestCase):
    def resume(self, srv, ctx, session):
        tls = ctx.wrap_socket(socket.create_connection(("127.0.0.1", srv.port), timeout=10),
                              server_hostname="localhost", session=session)
        tls.sendall((srv.url("/") + "\r\n").encode())
        response = read_gemini(tls)
        reused, fresh = tls.session_reused, tls.session
        tls.close()
        self.assertEqual(response.status, 20, response)
        return reused, fresh

    def test_a_session_from_before_a_reload_resumes_after_it(self):
        for version in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
            with self.subTest(version=version), Server(archive=False, gopher=False) as srv:
                ctx = client_context(min_version=version, max_version=version)
                reused, session = self.resume(srv, ctx, None)
                self.assertFalse(reused)
                self.assertTrue(session.has_ticket)
                srv.send_signal(signal.SIGHUP)
                wait_for_log(srv, "reloaded configuration")
                reused, _ = self.resume(srv, ctx, session)
                self.assertTrue(reused, "the session from before the reload was not resumed")

    def test_a_resumed_connection_brings_a_new_ticket(self):
        # A TLS 1.3 client spends each ticket once: a chain of connections
        # keeps resuming only when each resumed one hands out a new ticket.
        with Server(archive=False, gopher=False) as srv:
            ctx = client_context(min_version=ssl.TLSVersion.TLSv1_3)
            reused, session = self.resume(srv, ctx, None)
            self.assertFalse(reused)
            for i in range(4):
                reused, fresh = self.resume(srv, ctx, session)
                self.assertTrue(reused, "connection %d of the chain was a full handshake" % i)
                self.assertTrue(fresh.has_ticket)
                self.assertNotEqual(fresh.id, session.id)
                session = fresh

    def test_openssl_s_client_resumes_across_a_reload(self):
        with Server(archive=False, gopher=False) as srv:
            sess = os.path.join(srv.tmp, "session.pem")

            def s_client(*extra):
                out = subprocess.run(
                    ["openssl", "s_client", "-connect", "127.0.0.1:%d" % srv.port,
                     "-servername", "localhost", "-ign_eof"] + list(extra),
                    input=(srv.url("/") + "\r\n").encode(), capture_output=True, timeout=20)
                return out.stdout.decode(errors="replace")

            def outcome(out):
                found = re.search(r"^(New|Reused), TLS", out, re.M)
                return found.group(0) if found else out[-500:]

            self.assertEqual(outcome(s_client("-sess_out", sess)), "New, TLS")
            srv.send_signal(signal.SIGHUP)
            wait_for_log(srv, "reloaded configuration")
            self.assertEqual(outcome(s_client("-sess_in", sess)), "Reused, TLS")


class LogRotationTest(unittest.TestCase):
    def setUp(self):
        self.logs = tempfile.mkdtemp(prefix="capsuled-logs-")
        os.chmod(self.logs, 0o755)
        self.log_path = os.path.join(self.logs, "capsuled", "access.log")

    def tearDown(self):
        subprocess.run(["rm", "-rf", self.logs], check=True)

    @unittest.skipUnless(ROOT, "needs root to drop privileges")
    def test_mv_and_sigusr1_make_a_new_log_owned_by_the_service_user(self):
        nobody = pwd.getpwnam("nobody")
        with Server(log_path=self.log_path, args=["--user", "nobody"], archive=False) as srv:
            folder = os.path.dirname(self.log_path)
            self.assertEqual(os.stat(folder).st_uid, nobody.pw_uid)
            self.assertEqual(os.stat(self.log_path).st_uid, nobody.pw_uid)
            self.assertEqual(os.stat(self.log_path).st_mode & 0o777, 0o640)
            os.rename(self.log_path, self.log_path + ".1")
            srv.send_signal(signal.SIGUSR1)
            self.assertTrue(wait_for(lambda: os.path.exists(self.log_path)))
            wait_for(lambda: "log reopened (SIGUSR1)" in read(self.log_path))
            self.assertEqual(os.stat(self.log_path).st_uid, nobody.pw_uid)
            self.assertEqual(srv.gemini("/").status, 20)
            self.assertIsNone(srv.proc.poll(), "SIGUSR1 ended the server")
            self.assertTrue(wait_for(lambda: "gemini 127.0.0.1" in read(self.log_path)),
                            "the request was not logged in the new file")
            self.assertNotIn("gemini 127.0.0.1", read(self.log_path + ".1"))

    def test_a_failed_reopen_is_said_and_retried(self):
        with Server(log_path=self.log_path, archive=False, gopher=False) as srv:
            os.rename(self.log_path, self.log_path + ".1")
            os.mkdir(self.log_path)  # not even root can open a directory for writing
            srv.send_signal(signal.SIGUSR1)
            alarm = "log: cannot reopen %s: Is a directory; logging to stderr" % self.log_path
            wait_for(lambda: alarm in srv.output())
            self.assertIn(alarm, srv.output())
            self.assertIn(alarm, read(self.log_path + ".1"))
            self.assertEqual(srv.gemini("/").status, 20)
            wait_for(lambda: "gemini 127.0.0.1" in srv.output())
            self.assertIn("gemini 127.0.0.1", srv.output())
            self.assertNotIn("gemini 127.0.0.1", read(self.log_path + ".1"))
            srv.send_signal(signal.SIGHUP)  # a reload retries too, and fails again
            wait_for(lambda: srv.output().count(alarm) >= 2)
            self.assertEqual(srv.output().count(alarm), 2)
            os.rmdir(self.log_path)
            srv.send_signal(signal.SIGUSR1)
            self.assertTrue(wait_for(lambda: os.path.isfile(self.log_path)))
            wait_for(lambda: "log reopened" in read(self.log_path))
            self.assertIn("log: reopened, back to the file", srv.output())
            self.assertEqual(srv.gemini("/").status, 20)
            self.assertTrue(wait_for(lambda: "gemini 127.0.0.1" in read(self.log_path)))


def notify_socket(tmp, abstract):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if abstract:
        name = "capsuled-test-%d-%d" % (os.getpid(), time.monotonic_ns())
        sock.bind("\0" + name)
        address = "@" + name
    else:
        address = os.path.join(tmp, "notify")
        sock.bind(address)
    sock.settimeout(15)
    return sock, address


def messages(sock):
    """One datagram as a dict of its KEY=value lines."""
    data = sock.recv(4096).decode()
    return dict(line.split("=", 1) for line in data.split("\n") if line)


class NotifyTest(unittest.TestCase):
    def test_ready_reloading_and_stopping_arrive(self):
        for abstract in (False, True):
            tmp = tempfile.mkdtemp(prefix="capsuled-notify-")
            sock, address = notify_socket(tmp, abstract)
            with self.subTest(abstract=abstract), sock, \
                    Server(archive=False, env={"NOTIFY_SOCKET": address}) as srv:
                ready = messages(sock)
                self.assertEqual(ready.get("READY"), "1", ready)
                self.assertIn("STATUS", ready)
                self.assertEqual(srv.gemini("/").status, 20)
                srv.send_signal(signal.SIGHUP)
                reloading = messages(sock)
                self.assertEqual(reloading.get("RELOADING"), "1", reloading)
                now_usec = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
                self.assertLessEqual(abs(int(reloading["MONOTONIC_USEC"]) - now_usec), 10_000_000)
                self.assertEqual(messages(sock).get("READY"), "1")
                srv.stop()
                self.assertEqual(messages(sock).get("STOPPING"), "1")
            subprocess.run(["rm", "-rf", tmp], check=True)

    def test_a_missing_notify_socket_is_said_and_serving_goes_on(self):
        with Server(archive=False, gopher=False,
                    env={"NOTIFY_SOCKET": "/nonexistent/notify"}) as srv:
            self.assertIn("NOTIFY_SOCKET /nonexistent/notify: No such file or directory", srv.log())
            self.assertEqual(srv.gemini("/").status, 20)


def listening_socket():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


class SocketActivationTest(unittest.TestCase):
    def serve_both(self, srv):
        self.assertEqual(srv.gemini("/").status, 20)
        menu = srv.gopher("/\r\n")
        self.assertTrue(menu.endswith(b".\r\n"), menu[-200:])
        self.assertIn(b"\tlocalhost\t%d\r\n" % srv.gopher_port, menu)

    def test_named_sockets_from_systemd_are_served(self):
        gopher, gemini = listening_socket(), listening_socket()
        # Gopher's socket first: the names tell them apart, not the order.
        with gopher, gemini, Server(sockets=[("gopher", gopher), ("gemini", gemini)],
                                    env={"LISTEN_FDS": "2", "LISTEN_FDNAMES": "gopher:gemini"},
                                    archive=False) as srv:
            self.serve_both(srv)
            log = srv.log()
            self.assertIn("listening on 127.0.0.1:%d (gemini), from systemd" % srv.port, log)
            self.assertIn("listening on 127.0.0.1:%d (gopher), from systemd" % srv.gopher_port, log)
            self.assertNotRegex(log, r"listening on \S+ \((gemini|gopher)\)\n")

    def test_unnamed_sockets_are_gemini_then_gopher(self):
        gemini, gopher = listening_socket(), listening_socket()
        with gemini, gopher, Server(sockets=[(None, gemini), ("gopher", gopher)],
                                    env={"LISTEN_FDS": "2"}, archive=False) as srv:
            self.serve_both(srv)

    def test_a_socket_that_does_not_listen_is_refused(self):
        gemini = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        gemini.bind(("127.0.0.1", 0))
        srv = Server(sockets=[("gemini", gemini)], env={"LISTEN_FDS": "1",
                                                         "LISTEN_FDNAMES": "gemini"},
                     archive=False, gopher=False)
        with gemini, self.assertRaises(RuntimeError) as caught:
            srv.start()
        srv.finish(check=False)
        self.assertIn("socket 3 from the service manager: not listening", str(caught.exception))

    def test_sockets_for_another_process_are_ignored(self):
        with Server(archive=False, gopher=False,
                    env={"LISTEN_FDS": "2", "LISTEN_PID": "1"}) as srv:
            self.assertIn("listening on 127.0.0.1:%d (gemini)\n" % srv.port, srv.log())
            self.assertEqual(srv.gemini("/").status, 20)


class JournalTest(unittest.TestCase):
    def test_journal_lines_carry_priorities_and_no_time(self):
        with Server(log_path="stderr", env={"JOURNAL_STREAM": "output"}) as srv:
            self.assertEqual(srv.gemini("/").status, 20)
            self.assertEqual(srv.gemini("/missing").status, 51)
            out = wait_for(lambda: "51" in srv.output() and srv.output())
        lines = capsuled_lines(out)
        self.assertTrue(lines)
        for line in lines:
            self.assertRegex(line, r"^<[0-7]>(info|warn|error) ")
        if ROOT:
            self.assertIn("<4>warn running as root", out)
        self.assertRegex(out, r"<6>info listening on 127\.0\.0\.1:\d+ \(gemini\)")
        self.assertRegex(out, r"<6>info gemini 127\.0\.0\.1 localhost .* 20 ")
        self.assertNotRegex(out, r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")

    def test_another_stream_gets_timestamps(self):
        with Server(log_path="stderr", env={"JOURNAL_STREAM": "1:1"}, archive=False,
                    gopher=False) as srv:
            out = srv.output()
        self.assertRegex(out, r"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info listening on")
        self.assertNotIn("<6>", out)


@unittest.skipUnless(ROOT, "needs root to start as root and as another user")
class DirectoryTest(unittest.TestCase):
    def test_a_state_directory_root_made_is_given_to_the_user_when_empty(self):
        srv = Server(args=["--user", "nobody"], gopher=False)
        os.mkdir(srv.state_dir)
        os.mkdir(srv.cert_dir)
        with srv:
            nobody = pwd.getpwnam("nobody")
            for folder in (srv.state_dir, srv.cert_dir):
                self.assertEqual(os.stat(folder).st_uid, nobody.pw_uid, folder)
            self.assertEqual(os.stat(os.path.join(srv.cert_dir, "localhost.key")).st_uid,
                             nobody.pw_uid)
            self.assertTrue(wait_for(lambda: os.path.exists(
                os.path.join(srv.state_dir, "archive.db"))))

    def test_a_state_directory_root_filled_is_refused_with_the_fix(self):
        srv = Server(args=["--user", "nobody"], gopher=False)
        os.mkdir(srv.state_dir)
        open(os.path.join(srv.state_dir, "old-index"), "w").close()
        with self.assertRaises(RuntimeError) as caught:
            srv.start()
        srv.finish(check=False)
        self.assertIn("state directory %s belongs to root:root (mode 0755) and nobody cannot "
                      "write to it; as root: chown -R nobody: %s" % (srv.state_dir, srv.state_dir),
                      str(caught.exception))

    def test_a_state_directory_out_of_the_users_reach_is_refused_with_the_fix(self):
        # Root can make it for nobody, but nobody could not go through the
        # folder above it (as a package's /var/lib/capsuled, 0750).
        srv = Server(args=["--user", "nobody"], gopher=False)
        above = os.path.dirname(srv.state_dir)
        srv.state_dir = os.path.join(above, "private", "index")
        srv.cmd[srv.cmd.index("--state-dir") + 1] = srv.state_dir
        os.mkdir(os.path.dirname(srv.state_dir), 0o700)
        with self.assertRaises(RuntimeError) as caught:
            srv.start()
        srv.finish(check=False)
        self.assertIn("state directory %s is out of nobody's reach: folder %s belongs to "
                      "root:root (mode 0700) and nobody cannot go through it; as root: "
                      "chown nobody: %s" % (srv.state_dir, os.path.dirname(srv.state_dir),
                                            os.path.dirname(srv.state_dir)),
                      str(caught.exception))

    def test_started_as_another_user_nothing_changes_owner(self):
        srv = Server(args=["--user", "nobody"], gopher=False, log_path="stderr")
        os.mkdir(srv.state_dir)
        srv.cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + srv.cmd
        with self.assertRaises(RuntimeError) as caught:
            srv.start()
        owner = os.stat(srv.state_dir).st_uid
        srv.finish(check=False)
        self.assertEqual(owner, 0)
        self.assertIn("state directory %s belongs to root:root (mode 0755) and nobody cannot "
                      "write to it; as root: chown -R nobody: %s" % (srv.state_dir, srv.state_dir),
                      str(caught.exception))

if __name__ == "__main__":
    unittest.main()
