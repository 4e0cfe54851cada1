"""Conversion quality on the readability corpus, with the project's scorer.

Runs `capsuled convert` on the 130 pages of shared/corpus/readability
through shared/tools/score.py and holds the figures the README quotes:
mean F1 >= 0.95, title F1 >= 0.90, link recall >= 0.95, no failures.

The only test that reads outside the repository: the corpus and scorer live
in the project's ../shared, which a user's clone does not have.  Without
them the test is skipped, and ctest reports it as skipped (its
SKIP_REGULAR_EXPRESSION matches the reason below), never as passed.
"""
import os
import re
import subprocess
import sys
import unittest

from harness import BINARY, SOURCE_DIR

SHARED_DIR = os.environ.get("CAPSULED_SHARED_DIR", os.path.join(SOURCE_DIR, "..", "shared"))
CORPUS = os.path.join(SHARED_DIR, "corpus", "readability")
SCORER = os.path.join(SHARED_DIR, "tools", "score.py")


@unittest.skipUnless(os.path.isdir(CORPUS) and os.path.isfile(SCORER),
                     "needs the corpus and scorer of ../shared (%s)" % SHARED_DIR)
class ConversionQualityTest(unittest.TestCase):
    def test_readability_corpus_scores(self):
        command = '%s convert --base "$PAGE_URL" -' % BINARY
        out = subprocess.run([sys.executable, SCORER, "-j", "2", "-q", CORPUS, command],
                             capture_output=True, text=True, timeout=600)
        self.assertEqual(out.returncode, 0, out.stderr)
        report = out.stdout
        print(report[-600:])

        def figure(pattern):
            m = re.search(pattern, report)
            self.assertIsNotNone(m, "no %r in:\n%s" % (pattern, report))
            return float(m.group(1))

        self.assertGreaterEqual(figure(r"mean F1 ([0-9.]+) over"), 0.95)
        self.assertGreaterEqual(figure(r"title F1 ([0-9.]+)"), 0.90)
        self.assertGreaterEqual(figure(r"link recall ([0-9.]+)"), 0.95)
        self.assertEqual(figure(r"converter failures ([0-9]+)"), 0)
        # The few lines left are markup the gold text itself holds (pages about HTML).
        self.assertLessEqual(figure(r"leaky lines/page ([0-9.]+)"), 0.1)


if __name__ == "__main__":
    unittest.main()
