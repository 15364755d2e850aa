// rpm databases in all three formats: BerkeleyDB hash (var/lib/rpm/Packages), SQLite
// (rpmdb.sqlite) and NDB (Packages.db), here and under usr/lib/sysimage/rpm. Each holds rpm
// header blobs; one decoder reads NAME, VERSION, RELEASE, EPOCH, ARCH and SOURCERPM from them.
#include <sqlite3.h>

#include <cstring>

#include "analyze/analyzers.hpp"

namespace portcullis::analyze {
namespace {

uint32_t be32(const unsigned char* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
uint32_t le32(const unsigned char* p) {
  return uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0];
}
uint16_t le16(const unsigned char* p) { return static_cast<uint16_t>(p[1] << 8 | p[0]); }

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

enum : uint32_t {
  kTagName = 1000,
  kTagVersion = 1001,
  kTagRelease = 1002,
  kTagEpoch = 1003,
  kTagArch = 1022,
  kTagSourceRpm = 1044,
  kTypeInt32 = 4,
  kTypeString = 6,
  kTypeI18nString = 9,
};

class RpmAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "rpm"; }
  int version() const override { return 1; }
  bool wants(std::string_view path) const override {
    for (std::string_view dir : {"var/lib/rpm/", "usr/lib/sysimage/rpm/"}) {
      if (!path.starts_with(dir)) continue;
      auto file = path.substr(dir.size());
      return file == "Packages" || file == "Packages.db" || file == "rpmdb.sqlite";
    }
    return false;
  }
  size_t max_file_size() const override { return 512 * 1024 * 1024; }
  Status analyze(const FileInput& file, LayerFindings& out) const override {
    auto packages = parse_rpm_database(file.content);
    if (!packages) return packages.error();
    for (auto& p : *packages) p.path = std::string(file.path);
    out.packages[std::string(file.path)] = std::move(*packages);
    return Ok{};
  }
};

Result<std::vector<Package>> from_blobs(const std::vector<std::string_view>& blobs) {
  std::vector<Package> out;
  for (auto blob : blobs) {
    auto p = parse_rpm_header(blob);
    if (p) out.push_back(std::move(*p));
  }
  return out;
}

// NDB (rpm's lib/backend/ndb/rpmpkg.c): little-endian; a header "RpmP", then 16-byte slots
// {"Slot", pkgidx, blkoff, blkcnt} filling slotnpages 4 KiB pages; a blob at blkoff * 16 is
// {"BlbS", pkgidx, generation, length} followed by the header blob.
Result<std::vector<Package>> parse_ndb(std::string_view db) {
  const unsigned char* p = bytes(db);
  uint32_t slot_pages = le32(p + 12);
  if (uint64_t{slot_pages} * 4096 > db.size()) {
    return make_error(ErrorCode::kCorrupt, "NDB: {} slot pages do not fit in {} bytes", slot_pages,
                      db.size());
  }
  std::vector<std::string_view> blobs;
  for (size_t off = 32; off + 16 <= size_t{slot_pages} * 4096; off += 16) {
    if (std::memcmp(p + off, "Slot", 4) != 0 || le32(p + off + 4) == 0) continue;
    uint64_t blob = uint64_t{le32(p + off + 8)} * 16;
    if (blob + 16 > db.size() || std::memcmp(p + blob, "BlbS", 4) != 0) continue;
    uint64_t length = le32(p + blob + 12);
    if (blob + 16 + length > db.size()) continue;
    blobs.push_back(db.substr(blob + 16, length));
  }
  return from_blobs(blobs);
}

// BerkeleyDB hash (the format rpm used up to 4.16): metadata page 0 gives the page size and the
// last page; hash pages hold (key, value) item pairs; values too large for a page are H_OFFPAGE
// references to chains of overflow pages.
Result<std::vector<Package>> parse_bdb(std::string_view db) {
  const unsigned char* p = bytes(db);
  uint32_t page_size = le32(p + 20);
  uint32_t last_page = le32(p + 32);
  if (page_size < 512 || page_size > 65536 || uint64_t{last_page + 1} * page_size > db.size()) {
    return make_error(ErrorCode::kCorrupt,
                      "BerkeleyDB: page size {} and last page {} do not fit in {} bytes", page_size,
                      last_page, db.size());
  }
  auto page = [&](uint32_t n) { return p + uint64_t{n} * page_size; };
  std::vector<std::string> values;
  for (uint32_t n = 1; n <= last_page; ++n) {
    const unsigned char* pg = page(n);
    uint8_t type = pg[25];
    if (type != 2 && type != 13) continue;  // P_HASH_UNSORTED, P_HASH
    uint16_t entries = le16(pg + 20);
    if (26 + size_t{entries} * 2 > page_size) continue;
    for (uint16_t i = 1; i < entries; i += 2) {  // values are the odd items
      uint16_t offset = le16(pg + 26 + size_t{i} * 2);
      if (offset >= page_size) continue;
      if (pg[offset] != 3) continue;  // only H_OFFPAGE values hold headers
      if (offset + 12u > page_size) continue;
      uint32_t next = le32(pg + offset + 4);
      uint32_t total = le32(pg + offset + 8);
      std::string value;
      value.reserve(total);
      for (int hops = 0; next != 0 && next <= last_page && value.size() < total && hops < 100000;
           ++hops) {
        const unsigned char* ov = page(next);
        if (ov[25] != 7) break;  // P_OVERFLOW
        uint16_t length = le16(ov + 22);
        if (26u + length > page_size) break;
        value.append(reinterpret_cast<const char*>(ov + 26), length);
        next = le32(ov + 16);
      }
      if (value.size() == total) values.push_back(std::move(value));
    }
  }
  std::vector<std::string_view> views(values.begin(), values.end());
  return from_blobs(views);
}

// SQLite: table Packages(hnum, blob). Opened from memory (sqlite3_deserialize); a WAL-mode file
// is presented as rollback-journal mode, which memory databases require.
Result<std::vector<Package>> parse_sqlite(std::string_view db) {
  sqlite3* conn = nullptr;
  sqlite3_open_v2(":memory:", &conn, SQLITE_OPEN_READWRITE, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> owned(conn, sqlite3_close);
  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(db.size()));
  if (copy == nullptr) return make_error(ErrorCode::kInternal, "out of memory");
  std::memcpy(copy, db.data(), db.size());
  if (db.size() > 19 && copy[18] == 2 && copy[19] == 2) copy[18] = copy[19] = 1;
  int rc = sqlite3_deserialize(conn, "main", copy, static_cast<sqlite3_int64>(db.size()),
                               static_cast<sqlite3_int64>(db.size()),
                               SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
  if (rc != SQLITE_OK)
    return make_error(ErrorCode::kCorrupt, "rpmdb.sqlite: {}", sqlite3_errmsg(conn));
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(conn, "SELECT blob FROM Packages", -1, &stmt, nullptr) != SQLITE_OK) {
    return make_error(ErrorCode::kCorrupt, "rpmdb.sqlite: {}", sqlite3_errmsg(conn));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(stmt, sqlite3_finalize);
  std::vector<std::string> values;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    values.emplace_back(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                        static_cast<size_t>(sqlite3_column_bytes(stmt, 0)));
  }
  if (rc != SQLITE_DONE)
    return make_error(ErrorCode::kCorrupt, "rpmdb.sqlite: {}", sqlite3_errmsg(conn));
  std::vector<std::string_view> views(values.begin(), values.end());
  return from_blobs(views);
}

}  // namespace

std::optional<Package> parse_rpm_header(std::string_view blob) {
  if (blob.size() < 8) return std::nullopt;
  const unsigned char* p = bytes(blob);
  uint64_t count = be32(p);
  uint64_t data_length = be32(p + 4);
  uint64_t data_start = 8 + count * 16;
  if (count > 100000 || data_start + data_length > blob.size()) return std::nullopt;
  std::string_view data = blob.substr(data_start, data_length);
  Package pkg;
  pkg.type = "rpm";
  for (uint64_t i = 0; i < count; ++i) {
    const unsigned char* e = p + 8 + i * 16;
    uint32_t tag = be32(e), type = be32(e + 4), offset = be32(e + 8);
    if (offset >= data.size()) continue;
    std::string value;
    if (type == kTypeString || type == kTypeI18nString) {
      auto end = data.find('\0', offset);
      if (end == std::string_view::npos) continue;
      value = std::string(data.substr(offset, end - offset));
    } else if (type == kTypeInt32 && offset + 4 <= data.size()) {
      value = std::to_string(be32(bytes(data) + offset));
    } else {
      continue;
    }
    switch (tag) {
      case kTagName:
        pkg.name = value;
        break;
      case kTagVersion:
        pkg.version = value;
        break;
      case kTagRelease:
        pkg.release = value;
        break;
      case kTagEpoch:
        pkg.epoch = value;
        break;
      case kTagArch:
        pkg.arch = value;
        break;
      case kTagSourceRpm:
        pkg.source_name = value;
        break;
      default:
        break;
    }
  }
  if (pkg.name.empty() || pkg.version.empty()) return std::nullopt;
  // gpg-pubkey pseudo-packages store "(none)" where a real package has an arch or source rpm.
  if (pkg.arch == "(none)") pkg.arch.clear();
  if (pkg.source_name == "(none)") pkg.source_name.clear();
  return pkg;
}

Result<std::vector<Package>> parse_rpm_database(std::string_view db) {
  if (db.size() >= 16 && std::memcmp(db.data(), "SQLite format 3", 15) == 0)
    return parse_sqlite(db);
  if (db.size() >= 16 && std::memcmp(db.data(), "RpmP", 4) == 0) return parse_ndb(db);
  if (db.size() >= 512 && le32(bytes(db) + 12) == 0x061561) return parse_bdb(db);
  return make_error(ErrorCode::kUnsupported,
                    "not an rpm database this reader knows (BerkeleyDB hash, SQLite, NDB)");
}

std::unique_ptr<Analyzer> make_rpm_analyzer() { return std::make_unique<RpmAnalyzer>(); }

}  // namespace portcullis::analyze
