"""Real Gemini clients against the real server: Amfora in tmux, openssl s_client."""
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import Server

HOME_PAGE = """# Capsule for client tests
Welcome to the sample capsule.
=> /docs/ Documentation index
* first item
> a quoted line
"""


@unittest.skipUnless(shutil.which("amfora") and shutil.which("tmux"), "needs amfora and tmux")
class AmforaTest(unittest.TestCase):
    def test_amfora_renders_the_home_page(self):
        base = tempfile.mkdtemp(prefix="capsuled-amfora-")
        os.chmod(base, 0o755)
        root = os.path.join(base, "root")
        os.makedirs(os.path.join(root, "docs"))
        with open(os.path.join(root, "index.gmi"), "w") as f:
            f.write(HOME_PAGE)
        home = os.path.join(base, "home")
        os.makedirs(home)
        socket_name = "capsuled-test-%d" % os.getpid()
        try:
            with Server(root=root, archive=False, gopher=False) as srv:
                command = "env HOME=%s TERM=xterm-256color amfora %s" % (home, srv.url("/"))
                subprocess.run(["tmux", "-L", socket_name, "new-session", "-d", "-x", "120",
                                "-y", "40", "-s", "amfora", command], check=True)
                screen = ""
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline:
                    screen = subprocess.run(["tmux", "-L", socket_name, "capture-pane", "-p",
                                             "-t", "amfora"], capture_output=True, text=True).stdout
                    if "Documentation index" in screen:
                        break
                    time.sleep(0.3)
                self.assertIn("Capsule for client tests", screen)
                self.assertIn("Welcome to the sample capsule.", screen)
                self.assertIn("Documentation index", screen)
                self.assertIn("first item", screen)
                self.assertNotIn("Error", screen)
                self.assertRegex(srv.log(), r'"gemini://localhost:\d+/" 20 ')
        finally:
            subprocess.run(["tmux", "-L", socket_name, "kill-server"], capture_output=True)
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
