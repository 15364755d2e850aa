#!/usr/bin/env python3
"""Differential version tests: portcullis's dpkg and rpm orderings against the real
implementations on this machine (`dpkg --compare-versions`, rpm's rpm.vercmp via `rpm --eval`),
over pairs drawn from the real feed corpora in ../shared/vulndata/versions. Zero disagreements
allowed."""
import concurrent.futures
import os
import random
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
SHARED = os.environ.get("PORTCULLIS_SHARED", os.path.join(os.path.dirname(__file__), "../../../shared"))
VERSIONS = os.path.join(SHARED, "vulndata", "versions")
WORK = tempfile.mkdtemp(prefix="portcullis-vercmp-")


def pairs_from(name, extra_random=2000):
    versions = [v.strip() for v in open(os.path.join(VERSIONS, name)) if v.strip() and "\t" not in v]
    # Neighbours in the corpus share prefixes: the comparisons most likely to go wrong.
    pairs = [(versions[i], versions[i + 1]) for i in range(len(versions) - 1)]
    rng = random.Random(20261123)
    pairs += [(rng.choice(versions), rng.choice(versions)) for _ in range(extra_random)]
    pairs += [(v, v) for v in versions[:200]]
    return pairs


def ours(scheme, pairs):
    path = os.path.join(WORK, scheme + ".pairs")
    with open(path, "w") as f:
        for a, b in pairs:
            f.write(f"{a}\t{b}\n")
    out = subprocess.run([BIN, "debug", "vercmp", scheme, "--pairs", path], check=True,
                         capture_output=True, text=True).stdout.split()
    return [int(x) for x in out], path


def dpkg_truth(pair):
    a, b = pair
    if subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0:
        return -1
    if subprocess.run(["dpkg", "--compare-versions", a, "eq", b]).returncode == 0:
        return 0
    return 1


def rpm_truth(path, count):
    out = os.path.join(WORK, "rpm.truth")
    lua = ('%{lua: local o = io.open("' + out + '", "w") for line in io.lines("' + path + '") do '
           'local a, b = line:match("^([^\\t]*)\\t(.*)$") o:write(rpm.vercmp(a, b), "\\n") end o:close()}')
    subprocess.run(["rpm", "--eval", lua], check=True, capture_output=True)
    result = [int(x) for x in open(out).read().split()]
    assert len(result) == count, (len(result), count)
    return result


def check(scheme, pairs, got, want):
    bad = [(a, b, g, w) for (a, b), g, w in zip(pairs, got, want) if g != w]
    print(f"{scheme}: {len(pairs)} pairs, {len(bad)} disagreements")
    for a, b, g, w in bad[:10]:
        print(f"  {a!r} vs {b!r}: portcullis {g}, reference {w}")
    return not bad


ok = True
pairs = pairs_from("dpkg.txt")
got, _ = ours("dpkg", pairs)
with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
    want = list(pool.map(dpkg_truth, pairs))
ok &= check("dpkg (vs dpkg --compare-versions)", pairs, got, want)

pairs = pairs_from("rpm.txt")
got, path = ours("rpm", pairs)
ok &= check("rpm (vs rpm.vercmp)", pairs, got, rpm_truth(path, len(pairs)))
sys.exit(0 if ok else 1)
