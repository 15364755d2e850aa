-- Binary Authorization attestors managed by the server (document = the REST JSON shape).
CREATE TABLE attestors (
  name TEXT PRIMARY KEY,
  document TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
