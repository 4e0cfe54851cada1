"""Every setting and flag that `capsuled --help` lists is documented, with its
real default, in capsuled.ini(5), capsuled(8) and the sample capsuled.ini,
so that the three cannot drift from the binary.

Runs the built binary: CAPSULED_BIN, and the sources from CAPSULED_SOURCE_DIR.
"""
import os
import re
import subprocess
import tempfile
import unittest

BIN = os.environ.get("CAPSULED_BIN", "capsuled")
SOURCE = os.environ.get("CAPSULED_SOURCE_DIR",
                        os.path.join(os.path.dirname(__file__), "..", ".."))
MAN_INI = os.path.join(SOURCE, "man", "capsuled.ini.5")
MAN_8 = os.path.join(SOURCE, "man", "capsuled.8")
SAMPLE = os.path.join(SOURCE, "dist", "capsuled.ini")

# Settings of the first host, whose default --help gives as a pattern.
HOST_KEY_DEFAULTS = {"cert": "CERT_DIR/HOST.crt", "key": "CERT_DIR/HOST.key"}


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, check=True).stdout


def help_text():
    return run("--help")


def settings_with_defaults():
    """{setting: default} from the flag lines of --help."""
    settings = {}
    for line in help_text().splitlines():
        match = re.match(r"  (-c, )?(--\S+(?: [A-Z]+)?(?:, --\S+(?: [A-Z]+)?)*)\s{2,}.*\[(.*)\]$", line)
        if match is None:
            continue
        for flag in re.findall(r"--([a-z-]+)", match.group(2)):
            if flag != "config":
                settings[flag.replace("-", "_")] = HOST_KEY_DEFAULTS.get(flag, match.group(3))
    return settings


def same_value(documented, default):
    """A size may be written with its suffix: 32M is 33554432."""
    if documented == default:
        return True
    match = re.fullmatch(r"(\d+)([KMG])", documented)
    if match is None or not default.isdigit():
        return False
    return int(match.group(1)) << {"K": 10, "M": 20, "G": 30}[match.group(2)] == int(default)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def man_entries():
    """{setting: its paragraph} from the .It entries of capsuled.ini(5)."""
    entries, names, body = {}, [], []
    for line in read(MAN_INI).splitlines() + [".It"]:
        if line.startswith(".It") or line.startswith(".El") or line.startswith(".Sh"):
            for name in names:
                entries[name] = "\n".join(body)
            names, body = re.findall(r"\bCm (\w+) No =", line), []
        else:
            body.append(line)
    return entries


def man_default(paragraph):
    match = re.search(r"^Default: empty\.$|^Default:\n\.Ql (.*?)(?: [.,])?$", paragraph, re.M)
    if match is None:
        return None
    return match.group(1) or ""


def sample_lines():
    """The sample's lines up to its commented-out example of another host."""
    lines = read(SAMPLE).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("# [host"):
            return lines[:i]
    return lines


def sample_paragraphs():
    """{setting: the comment paragraph holding its `# setting = default` line}."""
    paragraphs, block = {}, []
    for line in sample_lines() + [""]:
        if line.strip():
            block.append(line)
            continue
        for entry in block:
            match = re.match(r"# (\w+) =", entry)
            if match:
                paragraphs[match.group(1)] = "\n".join(block)
        block = []
    return paragraphs


class SettingsDocumented(unittest.TestCase):
    def setUp(self):
        self.settings = settings_with_defaults()
        # The parse itself must have found the settings, or every test passes empty.
        for name in ("host", "root", "cert", "key", "port", "gopher_port", "server_admin"):
            self.assertIn(name, self.settings)
        self.assertGreater(len(self.settings), 35)

    def test_every_setting_in_the_man_page_with_its_default(self):
        entries = man_entries()
        for name, default in self.settings.items():
            with self.subTest(setting=name):
                self.assertIn(name, entries, "capsuled.ini(5) has no .It entry for it")
                if name in HOST_KEY_DEFAULTS:
                    self.assertIn(default, entries[name])
                else:
                    documented = man_default(entries[name])
                    self.assertIsNotNone(documented, "no 'Default:' line")
                    self.assertTrue(same_value(documented, default),
                                    f"man page says {documented!r}, --help {default!r}")

    def test_every_flag_in_capsuled_8(self):
        page = read(MAN_8)
        flags = set(re.findall(r"(?<![\w-])--([a-z][a-z-]*)", help_text()))
        self.assertIn("check-config", flags)
        for flag in flags:
            with self.subTest(flag=flag):
                self.assertRegex(page, rf"Fl -{re.escape(flag)}\b")
        self.assertRegex(page, r"\.It Fl c Ar file")

    def test_every_setting_in_the_sample_with_its_default(self):
        lines = sample_lines()
        for name, default in self.settings.items():
            with self.subTest(setting=name):
                values = [line.split("=", 1)[1].strip() for line in lines
                          if re.match(rf"# {name} =", line)]
                self.assertEqual(len(values), 1, "want exactly one '# name = default' line")
                self.assertTrue(same_value(values[0], default),
                                f"sample says {values[0]!r}, --help {default!r}")

    def test_restart_marks_agree(self):
        entries, paragraphs = man_entries(), sample_paragraphs()
        for name in self.settings:
            with self.subTest(setting=name):
                self.assertEqual("(restart)" in paragraphs[name], "Sy Restart" in entries[name],
                                 "the sample and capsuled.ini(5) disagree on a restart")

    def test_sample_defaults_are_the_real_defaults(self):
        """Uncommenting every `# name = default` line changes nothing."""
        uncommented = [line[2:] for line in sample_lines()
                       if re.match(r"# \w+ =", line) and line[2:].split()[0] in self.settings
                       and line[2:].split()[0] not in HOST_KEY_DEFAULTS]
        self.assertGreater(len(uncommented), 35)
        with tempfile.NamedTemporaryFile("w", suffix=".ini") as f:
            f.write("[server]\n" + "\n".join(uncommented) + "\n")
            f.flush()
            self.assertEqual(run("--check-config", "-c", f.name), run("--check-config"))

    def test_sample_loads_with_the_production_values(self):
        printed = run("--check-config", "-c", SAMPLE)
        for line in ("gopher_port = 70", "user = capsuled", "state_dir = /var/lib/capsuled/index",
                     "cert_dir = /var/lib/capsuled/certs", '[host "example.org"]',
                     "root = /srv/gemini", "cert = /var/lib/capsuled/certs/example.org.crt"):
            self.assertIn(line + "\n", printed)
        self.assertNotIn('[host "localhost"]', printed)


if __name__ == "__main__":
    unittest.main()
