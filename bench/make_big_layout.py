#!/usr/bin/env python3
"""Writes an OCI layout whose one layer holds a single file of SIZE bytes (zeros except a
marker every MiB) plus a dpkg status file, gzip-compressed with igzip, streaming: nothing of
SIZE is held in memory. For the scanner's peak-memory benchmark."""
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

out, size = sys.argv[1], int(sys.argv[2])
blobs = os.path.join(out, "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)
layer_tmp = os.path.join(out, "layer.tmp")
gz = subprocess.Popen(["igzip", "-1", "-c"], stdin=subprocess.PIPE, stdout=open(layer_tmp, "wb"))
diff = hashlib.sha256()


def emit(data):
    diff.update(data)
    gz.stdin.write(data)


status = b"Package: big\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n\n"
for name, data_size in (("var/lib/dpkg/status", len(status)), ("data/big.bin", size)):
    info = tarfile.TarInfo(name)
    info.size = data_size
    emit(info.tobuf(format=tarfile.GNU_FORMAT))
    if name.endswith("status"):
        emit(status)
    else:
        chunk = b"\0" * (1 << 20)
        left = size
        while left:
            n = min(left, len(chunk))
            emit(chunk[:n])
            left -= n
    pad = (512 - data_size % 512) % 512
    emit(b"\0" * pad)
emit(b"\0" * 1024)
gz.stdin.close()
gz.wait()
h = hashlib.sha256()
with open(layer_tmp, "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
layer_digest = h.hexdigest()
os.rename(layer_tmp, os.path.join(blobs, layer_digest))


def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(os.path.join(blobs, d), "wb").write(data)
    return "sha256:" + d


config = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff.hexdigest()]}}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(config), "size": len(config)},
                       "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                                   "digest": "sha256:" + layer_digest,
                                   "size": os.path.getsize(os.path.join(blobs, layer_digest))}]}).encode()
md = put(manifest)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md,
           "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": "big"}}]},
          open(os.path.join(out, "index.json"), "w"))
open(os.path.join(out, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
