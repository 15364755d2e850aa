#!/usr/bin/env python3
"""Differential version tests: every portcullis version scheme against the real implementation
on this machine, over pairs drawn from the real feed corpora in ../shared/vulndata/versions.
Zero disagreements allowed (including on which strings are not versions at all).

  dpkg    dpkg --compare-versions
  rpm     rpm's rpm.vercmp (librpm rpmvercmp), via rpm --eval lua
  npm     node's semver package (tests/schema/node_modules)
  pep440  Debian's python3-packaging
  maven   Maven's ComparableVersion (libmaven3-core-java)
  go      golang.org/x/mod/semver (golang-golang-x-mod-dev)
  gem     Ruby's Gem::Version
  apk     apk-tools is not packaged for Debian 12: its own test vectors
          (tests/data/vuln/apk-version.data) plus order consistency over the apk corpus.
"""
import concurrent.futures
import functools
import os
import random
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("PORTCULLIS_SHARED", os.path.join(REPO, "..", "shared"))
VERSIONS = os.path.join(SHARED, "vulndata", "versions")
WORK = tempfile.mkdtemp(prefix="portcullis-vercmp-")
MIN_PAIRS = 10000


def corpus(*names):
    seen = []
    for name in names:
        for v in open(os.path.join(VERSIONS, name), encoding="utf-8"):
            v = v.rstrip("\n")
            if v.strip() and "\t" not in v:
                seen.append(v)
    return sorted(set(seen))


def pairs_from(versions):
    # Neighbours in the sorted corpus share prefixes: the comparisons most likely to go wrong.
    pairs = [(versions[i], versions[i + 1]) for i in range(len(versions) - 1)]
    rng = random.Random(20261123)
    pairs += [(rng.choice(versions), rng.choice(versions))
              for _ in range(max(2000, MIN_PAIRS + 500 - len(pairs)))]
    pairs += [(v, v) for v in versions[:200]]
    return pairs


def write_pairs(name, pairs):
    path = os.path.join(WORK, name + ".pairs")
    with open(path, "w", encoding="utf-8") as f:
        for a, b in pairs:
            f.write(f"{a}\t{b}\n")
    return path


def ours(scheme, path):
    out = subprocess.run([BIN, "debug", "vercmp", scheme, "--pairs", path], check=True,
                         capture_output=True, text=True).stdout.split()
    return out


def run_lines(cmd, count, **kw):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout.split()
    assert len(out) == count, (cmd, len(out), count)
    return out


def dpkg_truth(pairs, path):
    def one(pair):
        a, b = pair
        if subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0:
            return "-1"
        if subprocess.run(["dpkg", "--compare-versions", a, "eq", b]).returncode == 0:
            return "0"
        return "1"
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, pairs))


def rpm_truth(pairs, path):
    out = os.path.join(WORK, "rpm.truth")
    lua = ('%{lua: local o = io.open("' + out + '", "w") for line in io.lines("' + path + '") do '
           'local a, b = line:match("^([^\\t]*)\\t(.*)$") o:write(rpm.vercmp(a, b), "\\n") end o:close()}')
    subprocess.run(["rpm", "--eval", lua], check=True, capture_output=True)
    result = open(out).read().split()
    assert len(result) == len(pairs), (len(result), len(pairs))
    return result


def npm_truth(pairs, path):
    env = dict(os.environ, NODE_PATH=os.path.join(REPO, "tests", "schema", "node_modules"))
    return run_lines(["node", os.path.join(HERE, "vercmp", "semver_ref.js"), path], len(pairs),
                     env=env)


def pep440_truth(pairs, path):
    # Debian's python3 (with python3-packaging), not whatever python3 is first on PATH.
    return run_lines(["/usr/bin/python3", os.path.join(HERE, "vercmp", "pep440_ref.py"), path],
                     len(pairs))


def maven_truth(pairs, path):
    jar = "/usr/share/java/maven-artifact-3.x.jar"
    return run_lines(["java", "-cp", jar, os.path.join(HERE, "vercmp", "MavenRef.java"), path],
                     len(pairs))


def go_truth(pairs, path):
    env = dict(os.environ, GO111MODULE="off", GOPATH="/usr/share/gocode",
               GOCACHE=os.path.join(WORK, "gocache"), GOFLAGS="")
    return run_lines(["go", "run", os.path.join(HERE, "vercmp", "go_ref.go"), path], len(pairs),
                     env=env)


def gem_truth(pairs, path):
    return run_lines(["ruby", os.path.join(HERE, "vercmp", "gem_ref.rb"), path], len(pairs))


def check(label, pairs, got, want, min_pairs=MIN_PAIRS):
    bad = [(a, b, g, w) for (a, b), g, w in zip(pairs, got, want) if g != w]
    invalid = sum(1 for w in want if w == "x")
    note = f" ({invalid} with a non-version side, agreed)" if invalid and not bad else ""
    print(f"{label}: {len(pairs)} pairs, {len(bad)} disagreements{note}", flush=True)
    for a, b, g, w in bad[:15]:
        print(f"  {a!r} vs {b!r}: portcullis {g}, reference {w}")
    return not bad and len(pairs) >= min_pairs


SCHEMES = [
    ("dpkg", "dpkg --compare-versions", ["dpkg.txt"], dpkg_truth),
    ("rpm", "rpm.vercmp", ["rpm.txt"], rpm_truth),
    ("npm", "node semver 7.8.6", ["npm.txt", "extra/npm-registry-advisory-packages.txt"], npm_truth),
    ("pep440", "python3-packaging", ["pypi.txt"], pep440_truth),
    ("maven", "ComparableVersion", ["maven.txt", "extra/maven-central-partial.txt"], maven_truth),
    ("go", "x/mod/semver", ["go.txt", "extra/go-proxy-partial.txt"], go_truth),
    ("gem", "Gem::Version", ["gem.txt"], gem_truth),
]


def check_apk():
    vectors = []
    for line in open(os.path.join(REPO, "tests", "data", "vuln", "apk-version.data")):
        line = line.split("#")[0].strip()
        if line:
            a, op, b = line.split()
            vectors.append((a, b, {"<": "-1", "=": "0", ">": "1"}[op]))
    got = ours("apk", write_pairs("apk-vectors", [(a, b) for a, b, _ in vectors]))
    ok = check("apk (vs apk-tools test/version.data)", [(a, b) for a, b, _ in vectors], got,
               [w for _, _, w in vectors], min_pairs=len(vectors))
    # No reference implementation for the corpus: check that the ordering is antisymmetric and
    # transitive (a sort by it agrees with every pairwise answer) over all pairs of the corpus.
    versions = corpus("apk.txt")
    n = len(versions)
    pairs = [(a, b) for a in versions for b in versions]
    matrix = [int(x) for x in ours("apk", write_pairs("apk-all", pairs))]
    cmp = lambda i, j: matrix[i * n + j]
    asym = sum(1 for i in range(n) for j in range(n) if cmp(i, j) != -cmp(j, i))
    order = sorted(range(n), key=functools.cmp_to_key(cmp))
    rank = [0] * n
    for pos, i in enumerate(order):
        rank[i] = pos
    inconsistent = sum(1 for i in range(n) for j in range(n)
                       if cmp(i, j) < 0 and rank[i] > rank[j])
    print(f"apk (corpus consistency): {len(pairs)} pairs, {asym} asymmetric, "
          f"{inconsistent} against the sorted order", flush=True)
    return ok and asym == 0 and inconsistent == 0


only = sys.argv[2:]
ok = True
for scheme, ref, files, truth in SCHEMES:
    if only and scheme not in only:
        continue
    pairs = pairs_from(corpus(*files))
    path = write_pairs(scheme, pairs)
    ok &= check(f"{scheme} (vs {ref})", pairs, ours(scheme, path), truth(pairs, path))
if not only or "apk" in only:
    ok &= check_apk()
sys.exit(0 if ok else 1)
