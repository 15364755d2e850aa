-- Finding every repository that holds a manifest (the attestation gate, promotion).
CREATE INDEX manifests_digest ON manifests(digest);
