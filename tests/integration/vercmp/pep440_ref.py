"""Reference for the pep440 scheme: Debian's python3-packaging (packaging.version.Version).
Reads "A<TAB>B" lines from argv[1], prints -1, 0, 1, or x when a side is not a version."""
import sys

from packaging.version import InvalidVersion, Version

out = []
for line in open(sys.argv[1], encoding="utf-8"):
    a, b = line.rstrip("\n").split("\t")
    try:
        x, y = Version(a), Version(b)
    except InvalidVersion:
        out.append("x")
        continue
    out.append(str((x > y) - (x < y)))
print("\n".join(out))
