"""Areas guarded by client certificates and Titan uploads, over real TLS
with real client certificates (made by openssl): 60, 61 and 62; guarded
articles kept out of every public page and out of Gopher; uploads accepted,
listed, searchable and served; uploads refused before their body; a body
cut short writing nothing; a reader never seeing half a file; delete;
;edit; a token for anonymous uploads; `capsuled --fingerprint`.
"""
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
from urllib.parse import quote

from harness import BINARY, SAMPLE_CAPSULE, Server, client_context, read_gemini

DEADLINE = 10
SECRET_PATH = "/files/private/secret-plans.md"
SECRET_TITLE = "Secret plans of the committee"
SECRET_WORD = "xylophonist"
PUBLIC_WORD = "ceasefires"
TOKEN = "s3cret-token"


def openssl(*args, cwd=None):
    return subprocess.run(["openssl", *args], check=True, capture_output=True, text=True,
                          cwd=cwd).stdout


def self_signed(base, name, days=30):
    key, crt = os.path.join(base, name + ".key"), os.path.join(base, name + ".crt")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", crt, "-subj", "/CN=" + name, "-days", str(days))
    return crt, key


def dated(base, name, start, end):
    """A self-signed certificate valid from start to end (YYYYMMDDHHMMSSZ)."""
    work = os.path.join(base, name + "-ca")
    os.makedirs(work)
    with open(os.path.join(work, "ca.cnf"), "w") as f:
        f.write("[ca]\ndefault_ca = own\n[own]\ndatabase = index.txt\nnew_certs_dir = .\n"
                "serial = serial\ndefault_md = sha256\npolicy = any\nemail_in_dn = no\n"
                "[any]\ncommonName = supplied\n")
    open(os.path.join(work, "index.txt"), "w").close()
    with open(os.path.join(work, "serial"), "w") as f:
        f.write("01\n")
    key, crt = os.path.join(base, name + ".key"), os.path.join(base, name + ".crt")
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", "req.csr", "-subj", "/CN=" + name, cwd=work)
    openssl("ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", key, "-in", "req.csr",
            "-out", crt, "-startdate", start, "-enddate", end, "-notext", cwd=work)
    return crt, key


def issued(base, ca, name):
    """A certificate that the CA (crt, key) signed."""
    key, crt, csr = (os.path.join(base, name + ext) for ext in (".key", ".crt", ".csr"))
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", csr, "-subj", "/CN=" + name)
    openssl("x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-CAcreateserial",
            "-out", crt, "-days", "30")
    return crt, key


def fingerprint(crt):
    out = openssl("x509", "-in", crt, "-noout", "-fingerprint", "-sha256")
    return out.strip().split("=", 1)[1].lower()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def leftovers(folder):
    """Temporary upload files left in folder or below it."""
    return [os.path.join(d, n) for d, _, names in os.walk(folder) for n in names
            if n.startswith(".upload-")]


class Titan(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.base = tempfile.mkdtemp(prefix="capsuled-titan-")
        os.chmod(cls.base, 0o755)
        root = os.path.join(cls.base, "root")
        shutil.copytree(SAMPLE_CAPSULE, root)
        write(os.path.join(root, SECRET_PATH[1:]), "---\ntitle: %s\ndate: 2014-02-10\n"
              "tags: [gemini]\n---\n\nThe %s met at dawn.\n" % (SECRET_TITLE, SECRET_WORD))
        write(os.path.join(root, "files/readme.txt"), "Public files.\n")
        os.makedirs(os.path.join(root, "notes"))
        os.makedirs(os.path.join(root, "drafts"))
        certs = os.path.join(cls.base, "clients")
        os.makedirs(certs)
        cls.owner = self_signed(certs, "owner")
        cls.stranger = self_signed(certs, "stranger")
        cls.expired = dated(certs, "expired", "20200101000000Z", "20200201000000Z")
        cls.future = dated(certs, "future", "20900101000000Z", "20900201000000Z")
        cls.ca = self_signed(certs, "family-ca", days=365)
        cls.member = issued(certs, cls.ca, "member")
        for dirpath, _, names in os.walk(cls.base):
            os.chmod(dirpath, 0o755)
            for name in names:
                os.chmod(os.path.join(dirpath, name), 0o644)
        config = (
            '[area "/files/private/"]\nfingerprints = %s\nca = %s\n\n'
            '[area "/articles/"]\naccess = publish\nfingerprints = %s\n'
            'max_upload = 256K\ndelete = yes\n\n'
            '[area "/notes/"]\naccess = publish\ntoken = %s\n\n'
            '[area "/drafts/"]\naccess = read publish\nfingerprints = %s\n'
            % (fingerprint(cls.owner[0]).upper().replace(":", ""), cls.ca[0],
               fingerprint(cls.owner[0]), TOKEN, fingerprint(cls.owner[0])))
        cls.server = Server(root=root, config_text=config, request_timeout=10)
        cls.server.start()
        cls.root = root
        cls.wait_for("/search?" + PUBLIC_WORD, lambda r: "russia-america" in r.text)

    @classmethod
    def tearDownClass(cls):
        cls.server.finish(cls.base)

    @classmethod
    def wait_for(cls, path, ok, deadline=DEADLINE):
        end = time.monotonic() + deadline
        while True:
            r = cls.server.gemini(path)
            if ok(r) or time.monotonic() > end:
                return r
            time.sleep(0.05)

    def get(self, path, cert=None):
        return self.server.gemini(path, ctx=client_context(cert=cert) if cert else None)

    def titan(self, path, params, body=b"", cert=None, close_early=False):
        """Send a Titan request line and body; the response, or None after
        close_early (the body cut short, the connection closed)."""
        line = "titan://localhost:%d%s;%s\r\n" % (self.server.port, path, params)
        ctx = client_context(cert=cert) if cert else None
        with self.server.connect_tls(ctx=ctx) as tls:
            tls.sendall(line.encode("utf-8") + body)
            if close_early:
                return None
            return read_gemini(tls)

    def wait_log(self, text, deadline=DEADLINE):
        end = time.monotonic() + deadline
        while text not in self.server.log() and time.monotonic() < end:
            time.sleep(0.05)
        self.assertIn(text, self.server.log())

    # Reading guarded areas ---------------------------------------------------
    def test_60_without_a_certificate(self):
        r = self.get(SECRET_PATH)
        self.assertEqual(r.status, 60, r)
        self.assertTrue(r.meta)
        self.assertEqual(r.body, b"")

    def test_61_for_a_certificate_not_listed_and_the_log_names_it(self):
        r = self.get(SECRET_PATH, cert=self.stranger)
        self.assertEqual(r.status, 61, r)
        self.wait_log("certificate " + fingerprint(self.stranger[0]))

    def test_62_for_an_expired_or_not_yet_valid_certificate(self):
        for cert in (self.expired, self.future):
            with self.subTest(cert=cert[0]):
                self.assertEqual(self.get(SECRET_PATH, cert=cert).status, 62)

    def test_listed_certificate_reads(self):
        r = self.get(SECRET_PATH, cert=self.owner)
        self.assertEqual(r.status, 20, r)
        self.assertIn(SECRET_WORD, r.text)
        # The folder itself, its listing and its raw original too.
        self.assertEqual(self.get("/files/private/", cert=self.owner).status, 20)
        self.assertEqual(self.get("/files/private", cert=None).status, 60)
        self.assertEqual(self.get(SECRET_PATH + "?raw", cert=self.stranger).status, 61)

    def test_certificate_issued_by_the_area_ca_reads(self):
        self.assertEqual(self.get(SECRET_PATH, cert=self.member).status, 20)
        # The CA's own certificate is listed nowhere but is in the CA file.
        self.assertEqual(self.get(SECRET_PATH, cert=self.stranger).status, 61)

    def test_public_pages_do_not_show_guarded_articles(self):
        for path in ("/", "/archive/2014/02/", "/tags/gemini/", "/atom.xml"):
            with self.subTest(path=path):
                r = self.get(path)
                self.assertEqual(r.status, 20, r)
                self.assertNotIn(SECRET_WORD, r.text)
                self.assertNotIn(SECRET_TITLE, r.text)
                self.assertNotIn("secret-plans", r.text)
        for words in (SECRET_WORD, "committee", "Secret plans"):
            with self.subTest(search=words):
                r = self.get("/search?" + quote(words))
                self.assertIn("No articles match", r.text)
                self.assertNotIn("secret-plans", r.text)
        gopher = self.server.gopher(b"/search\t" + SECRET_WORD.encode() + b"\r\n").decode()
        self.assertNotIn("secret-plans", gopher)
        # The month page does list its public articles.
        self.assertIn("russia-america", self.get("/archive/2014/02/").text)

    def test_listings_leave_the_guarded_folder_out(self):
        r = self.get("/files/")
        self.assertEqual(r.status, 20, r)
        self.assertIn("readme.txt", r.text)
        self.assertNotIn("private", r.text)
        menu = self.server.gopher(b"/files/\r\n").decode()
        self.assertIn("readme.txt", menu)
        self.assertNotIn("private", menu)

    def test_gopher_refuses_guarded_paths(self):
        for selector in (SECRET_PATH, "/files/private/", "/files/private", SECRET_PATH + "?raw"):
            with self.subTest(selector=selector):
                answer = self.server.gopher(selector.encode() + b"\r\n").decode()
                self.assertTrue(answer.startswith("3"), answer)
                self.assertNotIn(SECRET_WORD, answer)

    def test_fingerprint_flag(self):
        out = subprocess.run([BINARY, "--fingerprint", self.owner[0]], capture_output=True,
                             text=True, check=True).stdout
        self.assertEqual(out.strip(), fingerprint(self.owner[0]))
        bad = subprocess.run([BINARY, "--fingerprint", "/nonexistent.pem"], capture_output=True)
        self.assertEqual(bad.returncode, 2)

    # Uploads ----------------------------------------------------------------
    def test_new_article_accepted_listed_searchable_and_served(self):
        body = b"# Titan harbour report\n\nThe quokkaharbour opened on time.\n"
        started = time.monotonic()
        r = self.titan("/articles/", "mime=text/gemini;size=%d" % len(body), body,
                       cert=self.owner)
        month = time.strftime("%Y/%m", time.gmtime())
        path = "/articles/%s/titan-harbour-report.gmi" % month
        self.assertEqual(r.status, 30, r)
        self.assertEqual(r.meta, self.server.url(path))
        served = self.get(path)
        self.assertEqual(served.status, 20)
        self.assertEqual(served.body, body)
        found = self.wait_for("/search?quokkaharbour", lambda x: path in x.text, deadline=5)
        self.assertIn(path, found.text)
        self.assertLess(time.monotonic() - started, 2.0, "not searchable within 2 s")
        self.assertIn(path, self.get("/").text)
        self.assertIn(path, self.get("/archive/%s/" % month).text)
        self.wait_log("upload %s %s %d bytes: created" % (fingerprint(self.owner[0]), path,
                                                          len(body)))
        # Another with the same title gets a name of its own.
        again = self.titan("/articles/", "size=%d" % len(body), body, cert=self.owner)
        self.assertEqual(again.meta, self.server.url(path.replace(".gmi", "-2.gmi")))

    def test_upload_to_a_named_path_replaces_it(self):
        path = "/articles/2022/09/replaced.md"
        for text in (b"# First\n\nOne.\n", b"# Second\n\nTwo.\n"):
            r = self.titan(path, "size=%d;mime=text/markdown" % len(text), text, cert=self.owner)
            self.assertEqual(r.status, 30, r)
            self.assertEqual(r.meta, self.server.url(path))
            with open(os.path.join(self.root, path[1:]), "rb") as f:
                self.assertEqual(f.read(), text)
        self.assertIn("Two.", self.get(path).text)

    def test_refused_before_the_body(self):
        """Each answer comes while the client still holds its body back."""
        cases = [
            ("/articles/x1.gmi", "size=10", None, 60),
            ("/articles/x2.gmi", "size=10", self.stranger, 61),
            ("/articles/x3.gmi", "size=10", self.expired, 62),
            ("/articles/x4.gmi", "size=%d" % (256 * 1024 + 1), self.owner, 59),
            ("/files/x5.gmi", "size=10", self.owner, 61),
            ("/x6.gmi", "size=10", self.owner, 61),
            ("/articles/../x7.gmi", "size=10", self.owner, 59),
            ("/articles/%2e%2e/x8.gmi", "size=10", self.owner, 59),
            ("/articles/.x9.gmi", "size=10", self.owner, 59),
            ("/articles/x10.gmi", "size=10;mime=text/html", self.owner, 59),
            ("/articles/x11.png", "size=10;mime=image/png", self.owner, 59),
            ("/articles/x12.gmi", "mime=text/gemini", self.owner, 59),
            ("/articles/x13.gmi", "size=10;size=11", self.owner, 59),
            ("/notes/x14.gmi", "size=10;token=wrong", None, 61),
            ("/notes/x15.gmi", "size=10", None, 60),
        ]
        for path, params, cert, status in cases:
            with self.subTest(path=path, params=params):
                r = self.titan(path, params, cert=cert)
                self.assertEqual(r.status, status, r)
                self.assertEqual(r.body, b"")
        for path, *_ in cases:
            self.assertFalse(os.path.exists(os.path.join(self.root, path.lstrip("/"))), path)
        self.assertEqual(leftovers(self.root), [])

    def test_short_body_writes_nothing(self):
        path = "/articles/2022/09/cut-short.gmi"
        self.titan(path, "size=1000", b"# Cut\n\nonly a part", cert=self.owner, close_early=True)
        self.wait_log("body cut short: 18 of 1000 bytes")
        self.assertFalse(os.path.exists(os.path.join(self.root, path[1:])))
        self.assertEqual(leftovers(self.root), [])
        # A new month folder made for it goes again.
        self.titan("/articles/", "size=500", b"# Half", cert=self.owner, close_early=True)
        self.wait_log("body cut short: 6 of 500 bytes")
        self.assertEqual(leftovers(self.root), [])

    def test_reader_never_sees_half_a_file(self):
        path = "/articles/2022/09/live.txt"
        old, new = b"a" * 200000 + b"\n", b"b" * 200000 + b"\n"
        self.assertEqual(self.titan(path, "size=%d" % len(old), old, cert=self.owner).status, 30)
        seen, stop = [], threading.Event()

        def read():
            while not stop.is_set():
                r = self.get(path + "?raw")
                seen.append(r.body)

        reader = threading.Thread(target=read)
        reader.start()
        try:
            ctx = client_context(cert=self.owner)
            line = "titan://localhost:%d%s;size=%d\r\n" % (self.server.port, path, len(new))
            with self.server.connect_tls(ctx=ctx) as tls:
                tls.sendall(line.encode())
                for i in range(0, len(new), 20000):
                    tls.sendall(new[i:i + 20000])
                    time.sleep(0.05)
                r = read_gemini(tls)
            self.assertEqual(r.status, 30, r)
            time.sleep(0.3)
        finally:
            stop.set()
            reader.join()
        self.assertGreater(len(seen), 5)
        self.assertTrue(all(body in (old, new) for body in seen),
                        set(len(b) for b in seen))
        self.assertEqual(seen[-1], new)

    def test_delete_with_size_zero(self):
        path = "/articles/2022/09/short-lived.gmi"
        body = b"# Short lived\n"
        self.assertEqual(self.titan(path, "size=%d" % len(body), body, cert=self.owner).status,
                         30)
        self.assertEqual(self.get(path).status, 20)
        r = self.titan(path, "size=0", cert=self.owner)
        self.assertEqual(r.status, 30, r)
        self.assertEqual(r.meta, self.server.url("/articles/2022/09/"))
        self.assertEqual(self.get(path).status, 51)
        self.assertEqual(self.titan(path, "size=0", cert=self.owner).status, 51)
        # Where the area does not allow it, nothing is deleted.
        write(os.path.join(self.root, "notes/keep.gmi"), "# Keep\n")
        r = self.titan("/notes/keep.gmi", "size=0;token=" + TOKEN)
        self.assertEqual(r.status, 59, r)
        self.assertTrue(os.path.exists(os.path.join(self.root, "notes/keep.gmi")))

    def test_edit_answers_the_source(self):
        path = "/articles/2021/03/running-a-small-archive.md"
        with open(os.path.join(self.root, path[1:]), "rb") as f:
            source = f.read()
        r = self.titan(path, "edit", cert=self.owner)
        self.assertEqual(r.status, 20, r)
        self.assertTrue(r.meta.startswith("text/markdown"), r.meta)
        self.assertEqual(r.body, source)
        self.assertEqual(self.titan(path, "edit", cert=self.stranger).status, 61)
        self.assertEqual(self.titan("/articles/2021/03/none.md", "edit", cert=self.owner).status,
                         51)

    def test_token_uploads_without_a_certificate_and_is_not_logged(self):
        body = b"# Anonymous note\n"
        r = self.titan("/notes/anon.gmi", "token=%s;size=%d" % (TOKEN, len(body)), body)
        self.assertEqual(r.status, 30, r)
        with open(os.path.join(self.root, "notes/anon.gmi"), "rb") as f:
            self.assertEqual(f.read(), body)
        self.wait_log("upload token /notes/anon.gmi")
        # Not even in a request refused as malformed, or for another host.
        self.assertEqual(self.titan("/notes/x.gmi", "token=%s;size=1;size=2" % TOKEN).status, 59)
        r = self.server.request("titan://elsewhere.example/x.gmi;token=%s;size=1\r\n" % TOKEN)
        self.assertEqual(r.status, 53)
        self.wait_log("elsewhere.example/x.gmi;token=(hidden)")
        self.assertNotIn(TOKEN, self.server.log())
        self.assertIn(";token=(hidden)", self.server.log())

    def test_guarded_publish_area_needs_the_certificate_to_read_too(self):
        body = b"# Draft\n\nunfinished\n"
        r = self.titan("/drafts/one.gmi", "size=%d" % len(body), body, cert=self.owner)
        self.assertEqual(r.status, 30, r)
        self.assertEqual(self.get("/drafts/one.gmi").status, 60)
        self.assertEqual(self.get("/drafts/one.gmi", cert=self.owner).body, body)

    def test_titan_to_another_host_or_port_is_53(self):
        line = "titan://localhost:%d/articles/x.gmi;size=1\r\n" % (self.server.port + 1)
        r = self.server.request(line, ctx=client_context(cert=self.owner))
        self.assertEqual(r.status, 53)


class AreasAtReload(unittest.TestCase):
    def reload(self, srv, text, said):
        with open(srv.config_path, "w") as f:
            f.write(text)
        srv.send_signal(1)
        end = time.monotonic() + DEADLINE
        while said not in srv.log() and time.monotonic() < end:
            time.sleep(0.05)
        self.assertIn(said, srv.log())

    def test_certificates_reload_new_areas_wait_for_a_restart(self):
        base = tempfile.mkdtemp(prefix="capsuled-reload-")
        os.chmod(base, 0o755)
        crt, key = self_signed(base, "reader")
        for name in os.listdir(base):
            os.chmod(os.path.join(base, name), 0o644)
        reader = client_context(cert=(crt, key))
        area = '[area "/files/"]\nfingerprints = %s\n'
        with Server(config_text=area % ("ab" * 32)) as srv:
            self.assertEqual(srv.gemini("/files/sample.bin", ctx=reader).status, 61)
            # A new fingerprint applies at once.
            self.reload(srv, area % fingerprint(crt), "changed areas")
            self.assertEqual(srv.gemini("/files/sample.bin", ctx=reader).status, 20)
            # A new area waits for a restart; the running ones stay as they were.
            self.reload(srv, area % ("ab" * 32) + '[area "/images/"]\nfingerprints = %s\n'
                        % ("cd" * 32), "needs a restart: areas")
            self.assertEqual(srv.gemini("/images/gradient.png").status, 20)
            self.assertEqual(srv.gemini("/files/sample.bin").status, 60)
            self.assertEqual(srv.gemini("/files/sample.bin", ctx=reader).status, 20)
        shutil.rmtree(base)


if __name__ == "__main__":
    unittest.main()
