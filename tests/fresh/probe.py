#!/usr/bin/env python3
"""What tests/fresh/run.sh asks of a server it started, over real sockets.

  probe.py free                  fail if something already answers on 1965 or 7070
  probe.py wait PID SECONDS      wait until 1965 and 7070 answer while PID lives
  probe.py check CERTS CAPSULE   the home page and the seed article over Gemini
                                 (TLS, the certificate the server generated in
                                 CERTS) and over Gopher, serving the sample
                                 capsule/ copied to CAPSULE (its about.gmi)

Python standard library only; it runs on the host, outside the fresh root,
whose python3 only the test command installs.
"""
import os
import socket
import ssl
import sys
import time

HOST = "localhost"
GEMINI_PORT = 1965
GOPHER_PORT = 7070
SEED = "/articles/2014/02/russia-america-ceasefires.txt"
TIMEOUT = 30


def answers(port):
    try:
        with socket.create_connection((HOST, port), timeout=2):
            return True
    except OSError:
        return False


def free():
    busy = [port for port in (GEMINI_PORT, GOPHER_PORT) if answers(port)]
    if busy:
        sys.exit("probe: something already listens on port %s of this machine: the server "
                 "under test needs them free" % " and ".join(map(str, busy)))


def alive(pid):
    """Running: neither gone nor a zombie its parent has not reaped yet."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait(pid, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            sys.exit("probe: the server (pid %d) exited before ports %d and %d answered"
                     % (pid, GEMINI_PORT, GOPHER_PORT))
        if answers(GEMINI_PORT) and answers(GOPHER_PORT):
            return
        time.sleep(1)
    sys.exit("probe: ports %d and %d did not answer within %d s" % (GEMINI_PORT, GOPHER_PORT, seconds))


def gemini(path):
    """(header, body, server certificate DER) of gemini://localhost PATH."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((HOST, GEMINI_PORT), timeout=TIMEOUT) as raw:
        with context.wrap_socket(raw, server_hostname=HOST) as tls:
            tls.sendall(("gemini://%s%s\r\n" % (HOST, path)).encode())
            data = read_all(tls)
            cert = tls.getpeercert(binary_form=True)
    header, _, body = data.partition(b"\r\n")
    return header.decode(), body, cert


def gopher(selector):
    with socket.create_connection((HOST, GOPHER_PORT), timeout=TIMEOUT) as s:
        s.sendall(selector.encode() + b"\r\n")
        return read_all(s)


def read_all(s):
    chunks = []
    while True:
        try:
            chunk = s.recv(65536)
        except ssl.SSLZeroReturnError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def expect(condition, what, got):
    if not condition:
        sys.exit("probe: %s; got:\n%r" % (what, got[:600]))
    print("probe: ok:", what)


def check(certs, capsule):
    with open(os.path.join(certs, HOST + ".crt")) as f:
        generated = ssl.PEM_cert_to_DER_cert(f.read())
    with open(os.path.join(capsule, "about.gmi"), "rb") as f:
        about = f.read().split(b"\n\n")[1]

    # The home page lists the articles once the first walk has indexed them.
    deadline = time.monotonic() + 30
    while True:
        header, body, cert = gemini("/")
        if b"\n=> " + SEED.encode() + b" " in body or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expect(cert == generated, "Gemini: the certificate is the one generated in " + certs, header)
    expect(header.startswith("20 text/gemini"), "Gemini /: 20 text/gemini", header)
    expect(about in body and b"\n=> " + SEED.encode() + b" 2014-02-03 " in body,
           "Gemini /: the generated home page, with about.gmi and the seed listed", body)

    header, body, _ = gemini(SEED)
    expect(header.startswith("20 text/gemini"), "Gemini seed article: 20 text/gemini", header)
    expect(body.startswith(b"# Russia and America discuss local ceasefires in Syria\n"
                           b"=> /archive/2014/02/ 3 February 2014"),
           "Gemini seed article: converted, title and date first", body)
    expect(b"beginning with Aleppo" in body, "Gemini seed article: its text", body)

    menu = gopher("")
    expect(b"\t" + SEED.encode() + b"\t" in menu and menu.endswith(b"\r\n.\r\n"),
           "Gopher /: a menu that lists the seed article", menu)
    text = gopher(SEED)
    expect(b"\r\n3 February 2014 " in text and b"Aleppo" in text and text.endswith(b"\r\n.\r\n"),
           "Gopher seed article: the text, CRLF, a final '.'", text)


def main(argv):
    if argv[1:2] == ["free"]:
        free()
    elif argv[1:2] == ["wait"] and len(argv) == 4:
        wait(int(argv[2]), int(argv[3]))
    elif argv[1:2] == ["check"] and len(argv) == 4:
        check(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
