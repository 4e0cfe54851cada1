"""check_layers.py finds each kind of violation it is there for: in small
planted trees, and in a copy of the real src/ with one violation added."""
import os
import re
import shutil
import tempfile
import unittest

import check_layers

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src")


def plant(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


# A clean little tree: every rule holds.
CLEAN = {
    "util/buf.h": "",
    "util/log.h": "",
    "response/response.h": '#include "util/buf.h"\n',
    "gemini/handler.h": '#include "response/response.h"\n',
    "gemini/handler.c": '#include "gemini/handler.h"\n#include "util/log.h"\n',
    "gopher/handler.c": '#include "response/response.h"\n',
    "net/net.h": '#include "response/response.h"\n',
    "net/limits.h": '#include "net/net.h"\n',
    "net/conn.c": '#include "net/limits.h"\n/* names no protocol */\n',
    "server/server.h": "",
    "server/server.c": '#include "server/server.h"\n#include "net/net.h"\n'
                       '#include "gemini/handler.h"\n#include "util/log.h"\n',
    "main.c": '#include "server/server.h"\n',
}


class PlantedTrees(unittest.TestCase):
    def problems(self, changes=None):
        with tempfile.TemporaryDirectory() as root:
            plant(root, {**CLEAN, **(changes or {})})
            return check_layers.check(root)

    def assertOneProblem(self, needle, changes):
        problems = self.problems(changes)
        self.assertEqual(len(problems), 1, problems)
        self.assertIn(needle, problems[0])

    def test_the_clean_tree_passes(self):
        self.assertEqual(self.problems(), [])

    def test_an_include_pointing_up(self):
        self.assertOneProblem("gemini/request.c: includes net/net.h, of net/ above gemini/",
                              {"gemini/request.c": '#include "net/net.h"\n'})

    def test_gemini_and_gopher_never_include_each_other(self):
        self.assertOneProblem("of gemini/ beside gopher/ on its layer",
                              {"gopher/menu.c": '#include "gemini/handler.h"\n'})

    def test_two_files_including_each_other(self):
        self.assertOneProblem("files include each other: server/server -> server/worker", {
            "server/worker.h": "",
            "server/worker.c": '#include "server/worker.h"\n#include "server/server.h"\n',
            "server/server.c": '#include "server/server.h"\n#include "server/worker.h"\n',
        })

    def test_a_longer_circle(self):
        problems = self.problems({
            "server/a.h": "", "server/a.c": '#include "server/b.h"\n',
            "server/b.h": "", "server/b.c": '#include "server/c.h"\n',
            "server/c.h": "", "server/c.c": '#include "server/a.h"\n',
        })
        self.assertEqual(problems, ["files include each other: server/a -> server/b -> server/c"])

    def test_net_naming_a_protocol(self):
        self.assertOneProblem("net/conn.c:2: net/ names a protocol", {
            "net/conn.c": '#include "net/net.h"\n/* as Gopher clients expect */\n',
        })

    def test_net_naming_the_upload_protocol(self):
        self.assertOneProblem("net/conn.c:2: net/ names a protocol", {
            "net/conn.c": '#include "net/net.h"\n/* a Titan upload */\n',
        })

    def test_a_private_header_of_a_one_header_module(self):
        self.assertOneProblem("server/server.c: includes net/limits.h; net/ is used only "
                              "through net/net.h", {
                                  "server/server.c": '#include "server/server.h"\n'
                                                     '#include "net/limits.h"\n',
                              })

    def test_every_util_header_is_public(self):
        self.assertEqual(self.problems({
            "net/proxy.c": '#include "util/buf.h"\n#include "util/log.h"\n',
        }), [])

    def test_a_module_without_a_layer(self):
        self.assertOneProblem("module http/ has no layer", {"http/http.c": ""})

    def test_a_known_circle_may_shrink_but_not_grow(self):
        pair = {
            "convert/html_extract.h": "",
            "convert/html_extract.c": '#include "convert/html_render.h"\n',
            "convert/html_render.h": '#include "convert/html_extract.h"\n',
        }
        self.assertEqual(self.problems(pair), [])
        grown = self.problems({
            **pair,
            "convert/html_render.h": '#include "convert/tables.h"\n',
            "convert/tables.h": '#include "convert/html_extract.h"\n',
        })
        self.assertEqual(grown, ["files include each other: convert/html_extract -> "
                                 "convert/html_render -> convert/tables"])


class RealTree(unittest.TestCase):
    def test_the_real_tree_passes(self):
        self.assertEqual(check_layers.check(SRC), [])

    def test_violations_planted_in_the_real_tree_fail(self):
        with tempfile.TemporaryDirectory() as root:
            copy = os.path.join(root, "src")
            shutil.copytree(SRC, copy)
            for rel, header in (("net/conn.c", "gemini/handler.h"),
                                ("convert/convert.c", "archive/archive.h")):
                with open(os.path.join(copy, rel), "a", encoding="utf-8") as f:
                    f.write(f'#include "{header}"\n')
            problems = check_layers.check(copy)
        # The upward include also closes a circle through archive/ and convert/.
        self.assertEqual(len(problems), 3, problems)
        self.assertIn("convert/convert.c: includes archive/archive.h, of archive/ above convert/",
                      problems)
        self.assertTrue(any(p.startswith("files include each other: archive/archive -> ")
                            for p in problems), problems)
        self.assertTrue(any(re.fullmatch(r'net/conn.c:\d+: net/ names a protocol: '
                                         r'#include "gemini/handler.h"', p)
                            for p in problems), problems)

if __name__ == "__main__":
    unittest.main()
