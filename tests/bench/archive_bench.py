#!/usr/bin/env python3
"""Archive scale benchmark.

Generates N synthetic articles (plain text, Markdown with front matter and
gemtext; titles, dates over 15 years, tags and lengths all varied; words
drawn with a Zipf-like law from the seed article and a made-up vocabulary)
and runs bench_archive_index on them: time to index from scratch, page and
search latency, delay until a new article is searchable, resident memory.

Usage: archive_bench.py BENCH_BINARY [N ...]   (default N: 10000 100000)

With ARCHIVE_BENCH_KEEP=DIR the tree of N articles is kept in DIR/N/root
and reused by the next run (the same articles before and after a change:
generating 100000 takes minutes), and the index is left in DIR/N/state
for inspection; it is still built from scratch on every run.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "..", "..", "capsule", "articles", "2014", "02", "russia-america-ceasefires.txt")
TAGS = ["syria", "russia", "usa", "diplomacy", "economy", "energy", "europe", "elections",
        "health", "climate", "science", "sport", "culture", "technology", "africa", "asia",
        "café society", "migration", "trade", "security"]
QUERIES = ["ceasefire", "aleppo", "kerry lavrov", "\"foreign minister\"", "humanitar*",
           "cafe", "geneva conference", "opposition", "prisoners", "zorvex", "the"]


def vocabulary(rng):
    # The queries are words of the seed: without it every search finds nothing.
    with open(SEED, encoding="utf-8") as f:
        words = [w.strip(".,“”\"'():;!?") for w in f.read().split()]
    words = [w for w in words if w]
    syllables = ["ka", "lo", "mer", "tis", "an", "dru", "vel", "or", "pe", "zin", "qua", "rex"]
    made_up = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
               for _ in range(30000)}
    return words + sorted(made_up)


def zipf_words(rng, vocab, n):
    # Index drawn so low ranks are frequent: a cheap Zipf-like law.
    size = len(vocab)
    return [vocab[min(size - 1, int(size ** rng.random()) - 1)] for _ in range(n)]


def paragraphs(rng, vocab):
    paras = []
    for _ in range(rng.randint(2, 12)):
        words = zipf_words(rng, vocab, rng.randint(30, 150))
        paras.append(" ".join(words).capitalize() + ".")
    return paras


def article(rng, vocab, i):
    year = 2010 + rng.randrange(15)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    title = " ".join(zipf_words(rng, vocab, rng.randint(4, 10))).capitalize()
    tags = rng.sample(TAGS, rng.randint(0, 3))
    body = paragraphs(rng, vocab)
    kind = rng.random()
    base = f"{year:04d}/{month:02d}/article-{i}"
    if kind < 0.6:
        months = ["January", "February", "March", "April", "May", "June", "July",
                  "August", "September", "October", "November", "December"]
        text = (f"clear\n\nCreating new perspectives since 2009\n\n{title}\n\n"
                f"{months[month - 1]} {day}, {year} at 10:12 am\n\n" + "\n\n".join(body))
        return base + ".txt", text
    if kind < 0.85:
        front = (f"---\ntitle: \"{title}\"\ndate: {year:04d}-{month:02d}-{day:02d}\n"
                 f"tags: [{', '.join(tags)}]\n---\n\n")
        return base + ".md", front + "\n\n".join(body) + "\n"
    return base + ".gmi", f"# {title}\n\n" + "\n\n".join(body) + "\n"


def generate(root, n, seed=1):
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    for i in range(n):
        rel, text = article(rng, vocab, i)
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    sizes = [int(n) for n in sys.argv[2:]] or [10000, 100000]
    keep = os.environ.get("ARCHIVE_BENCH_KEEP")
    for n in sizes:
        if keep:
            work = os.path.join(keep, str(n))
            shutil.rmtree(os.path.join(work, "state"), ignore_errors=True)
        else:
            work = tempfile.mkdtemp(prefix="archive-bench-")
        try:
            root = os.path.join(work, "root")
            print(f"== {n} articles", flush=True)
            if not os.path.isdir(root):
                # Renamed once whole: an interrupted run leaves no tree to reuse.
                shutil.rmtree(root + ".partial", ignore_errors=True)
                generate(root + ".partial", n)
                os.rename(root + ".partial", root)
            du = subprocess.run(["du", "-sh", root], capture_output=True, text=True)
            print("tree", du.stdout.split()[0], flush=True)
            subprocess.run([binary, root, os.path.join(work, "state"), "syria"] + QUERIES,
                           check=True)
            du = subprocess.run(["du", "-sh", os.path.join(work, "state")],
                                capture_output=True, text=True)
            print("index", du.stdout.split()[0], flush=True)
            tree = int(subprocess.run(["du", "-sb", root], capture_output=True,
                                      text=True).stdout.split()[0])
            tree_disk = int(subprocess.run(["du", "-sk", root], capture_output=True,
                                           text=True).stdout.split()[0]) * 1024
            db_path = os.path.join(work, "state", "archive.db")
            db = os.path.getsize(db_path)
            db_disk = os.stat(db_path).st_blocks * 512
            # On disk (du: what the tree's many small files take in whole
            # blocks) and in bytes (what they hold).
            print("index file %.0f bytes an article, %.2f of the tree on disk, %.2f of its bytes"
                  % (db / n, db_disk / tree_disk, db / tree), flush=True)
        finally:
            if not keep:
                shutil.rmtree(work)


if __name__ == "__main__":
    main()
