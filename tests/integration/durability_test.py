#!/usr/bin/env python3
"""Durability: SIGKILL the registry during concurrent pushes, restart it, and check that every
push it acknowledged (201) is fully readable and that no partial blob is visible."""
import hashlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

BIN = sys.argv[1]
WORK = tempfile.mkdtemp(prefix="portcullis-durability-")
DATA = os.path.join(WORK, "data")


def start():
    log = open(os.path.join(WORK, "server.log"), "a")
    env = dict(os.environ, PORTCULLIS_AUTH_ENABLED="false")
    proc = subprocess.Popen([BIN, "serve", "--data", DATA, "--listen", "127.0.0.1:0"],
                            stdout=log, stderr=log, env=env)
    for _ in range(100):
        text = open(os.path.join(WORK, "server.log")).read()
        ports = re.findall(r'msg="listening".* port=(\d+)', text)
        if ports and len(ports) > start.count:
            start.count = len(ports)
            return proc, int(ports[-1])
        time.sleep(0.1)
    raise SystemExit("server did not start")


start.count = 0


def request(port, method, path, body=b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    res = conn.getresponse()
    data = res.read()
    conn.close()
    return res.status, dict(res.getheaders()), data


acknowledged_blobs = []   # (repo, digest)
acknowledged_tags = []    # (repo, tag, manifest digest)
lock = threading.Lock()
stop = threading.Event()


def push_blob(port, repo, content, chunked):
    digest = "sha256:" + hashlib.sha256(content).hexdigest()
    if not chunked:
        status, _, _ = request(port, "POST", f"/v2/{repo}/blobs/uploads/?digest={digest}", content,
                               {"Content-Type": "application/octet-stream"})
        return digest if status == 201 else None
    status, headers, _ = request(port, "POST", f"/v2/{repo}/blobs/uploads/")
    if status != 202:
        return None
    location = headers["Location"]
    step = max(1, len(content) // 3)
    offset = 0
    while offset < len(content):
        chunk = content[offset:offset + step]
        status, headers, _ = request(port, "PATCH", location, chunk,
                                     {"Content-Range": f"{offset}-{offset + len(chunk) - 1}",
                                      "Content-Type": "application/octet-stream"})
        if status != 202:
            return None
        offset += len(chunk)
    status, _, _ = request(port, "PUT", f"{location}?digest={digest}")
    return digest if status == 201 else None


def worker(port, n):
    rng = random.Random(n)
    i = 0
    while not stop.is_set():
        repo = f"dur/w{n}"
        try:
            layer = os.urandom(rng.randint(1, 3 << 20))
            config = json.dumps({"worker": n, "i": i}).encode()
            ld = push_blob(port, repo, layer, chunked=rng.random() < 0.5)
            if ld is None:
                continue
            with lock:
                acknowledged_blobs.append((repo, ld, hashlib.sha256(layer).hexdigest()))
            cd = push_blob(port, repo, config, chunked=False)
            if cd is None:
                continue
            manifest = json.dumps({
                "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": len(config)},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": ld, "size": len(layer)}],
            }).encode()
            tag = f"t{i}"
            status, headers, _ = request(port, "PUT", f"/v2/{repo}/manifests/{tag}", manifest,
                                         {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
            if status == 201:
                with lock:
                    acknowledged_tags.append((repo, tag, "sha256:" + hashlib.sha256(manifest).hexdigest()))
            i += 1
        except (OSError, http.client.HTTPException):
            if stop.is_set():
                return
            time.sleep(0.01)


def main():
    proc, port = start()
    threads = [threading.Thread(target=worker, args=(port, n)) for n in range(8)]
    for t in threads:
        t.start()
    time.sleep(2.5)
    proc.send_signal(signal.SIGKILL)  # mid-push: some requests are in flight
    proc.wait()
    stop.set()
    for t in threads:
        t.join()
    print(f"acknowledged before SIGKILL: {len(acknowledged_blobs)} blobs, {len(acknowledged_tags)} manifests")
    if len(acknowledged_tags) < 5:
        raise SystemExit("FAIL: too few pushes completed to test anything")

    proc, port = start()
    try:
        failures = []
        for repo, digest, sha in acknowledged_blobs:
            status, headers, body = request(port, "GET", f"/v2/{repo}/blobs/{digest}")
            if status != 200 or hashlib.sha256(body).hexdigest() != sha:
                failures.append(f"blob {repo}@{digest}: status {status}")
        for repo, tag, digest in acknowledged_tags:
            status, headers, body = request(port, "GET", f"/v2/{repo}/manifests/{tag}",
                                            headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
            if status != 200 or "sha256:" + hashlib.sha256(body).hexdigest() != digest:
                failures.append(f"manifest {repo}:{tag}: status {status}")
        # No partial content is visible: every file under blobs/ hashes to its name.
        visible = 0
        for root, _, files in os.walk(os.path.join(DATA, "blobs", "sha256")):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    if hashlib.sha256(f.read()).hexdigest() != name:
                        failures.append(f"partial or corrupt blob file {name}")
                visible += 1
        # Uploads cut off mid-way stay in uploads/ and are never served.
        partial_uploads = len(os.listdir(os.path.join(DATA, "uploads")))
        if failures:
            raise SystemExit("FAIL:\n" + "\n".join(failures[:20]))
        print(f"after restart: {len(acknowledged_blobs)} blobs and {len(acknowledged_tags)} manifests "
              f"readable; {visible} blob files all verified; {partial_uploads} interrupted uploads not visible")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait()
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
