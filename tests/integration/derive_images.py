#!/usr/bin/env python3
"""derive_images.py SRC_DIR OUT_PREFIX N [KEY=VALUE ...]: from an image copied with
`skopeo copy ... dir:SRC_DIR`, writes N images OUT_PREFIX0..N-1 (skopeo dir: layout) that share
SRC's layers and differ in their config (label portcullis.test.variant=I, plus the given config
fields, e.g. User=65532), so each has its own manifest digest."""
import hashlib
import json
import os
import shutil
import sys

src, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
fields = dict(a.split("=", 1) for a in sys.argv[4:])
manifest = json.load(open(os.path.join(src, "manifest.json")))
config_hex = manifest["config"]["digest"].split(":")[1]
config = json.load(open(os.path.join(src, config_hex)))
for i in range(count):
    out = f"{prefix}{i}"
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for name in os.listdir(src):
        if name not in ("manifest.json", config_hex):
            os.link(os.path.join(src, name), os.path.join(out, name))
    c = json.loads(json.dumps(config))
    c.setdefault("config", {})
    c["config"].setdefault("Labels", {})
    c["config"]["Labels"] = dict(c["config"]["Labels"] or {}, **{"portcullis.test.variant": str(i)})
    c["config"].update(fields)
    data = json.dumps(c).encode()
    digest = hashlib.sha256(data).hexdigest()
    open(os.path.join(out, digest), "wb").write(data)
    m = json.loads(json.dumps(manifest))
    m["config"]["digest"], m["config"]["size"] = "sha256:" + digest, len(data)
    open(os.path.join(out, "manifest.json"), "w").write(json.dumps(m))
