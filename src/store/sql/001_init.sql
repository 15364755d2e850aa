-- Registry metadata: repositories, blobs and their links, manifests, tags, uploads, users.
CREATE TABLE repositories (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE TABLE blobs (
  digest TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE repository_blobs (
  repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  digest TEXT NOT NULL REFERENCES blobs(digest) ON DELETE CASCADE,
  linked_at INTEGER NOT NULL,
  PRIMARY KEY (repository_id, digest)
) WITHOUT ROWID;
CREATE INDEX repository_blobs_digest ON repository_blobs(digest);
CREATE TABLE manifests (
  repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  digest TEXT NOT NULL,
  media_type TEXT NOT NULL,
  content BLOB NOT NULL,
  artifact_type TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  annotations TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (repository_id, digest)
) WITHOUT ROWID;
CREATE INDEX manifests_subject ON manifests(repository_id, subject) WHERE subject != '';
CREATE TABLE manifest_references (
  repository_id INTEGER NOT NULL,
  manifest_digest TEXT NOT NULL,
  digest TEXT NOT NULL,
  is_manifest INTEGER NOT NULL,
  PRIMARY KEY (repository_id, manifest_digest, digest),
  FOREIGN KEY (repository_id, manifest_digest) REFERENCES manifests(repository_id, digest)
    ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX manifest_references_digest ON manifest_references(digest);
CREATE TABLE tags (
  repository_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  digest TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (repository_id, name),
  FOREIGN KEY (repository_id, digest) REFERENCES manifests(repository_id, digest)
    ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE uploads (
  id TEXT PRIMARY KEY,
  repository TEXT NOT NULL,
  started_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  is_admin INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE grants (
  user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  actions TEXT NOT NULL,
  PRIMARY KEY (user, scope)
) WITHOUT ROWID;
