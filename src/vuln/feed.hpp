// Feed importers: each reads one published advisory format and hands records to a FeedSink.
// The formats are recognized by content, so `db build --feeds DIR` takes a feed's directory as
// published (OSV trees, secdb files, the tracker export, KEV, NVD records).
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "vuln/advisory.hpp"

namespace portcullis::vuln {

class FeedSink {
 public:
  virtual ~FeedSink() = default;
  virtual void add(Advisory advisory) = 0;
  virtual void add(CvssRecord record) = 0;
  virtual void add(KevRecord record) = 0;
  // A withdrawn advisory: counted and left out.
  virtual void withdrawn(std::string_view id) = 0;
  // A date the data is known to be current to (a record's `modified`, a catalogue's release).
  virtual void snapshot(std::string_view date) = 0;
};

class Feed {
 public:
  virtual ~Feed() = default;
  virtual std::string_view kind() const = 0;
  virtual bool recognizes(const nlohmann::json& document) const = 0;
  // Errors name the file and the field.
  virtual Status import(const nlohmann::json& document, std::string_view file,
                        FeedSink& sink) const = 0;
};

// Every known feed format, in the order they are tried (feeds.cpp).
const std::vector<std::unique_ptr<Feed>>& feeds();

std::unique_ptr<Feed> make_osv_feed();
std::unique_ptr<Feed> make_debian_tracker_feed();
std::unique_ptr<Feed> make_alpine_secdb_feed();
std::unique_ptr<Feed> make_kev_feed();
std::unique_ptr<Feed> make_nvd_feed();

struct ImportSummary {
  std::vector<std::string> kinds;  // the formats found
  size_t files = 0;
  std::vector<std::string> skipped;  // files in no known format
  std::string newest_file_time;      // RFC 3339 mtime of the newest file read
};

// Imports a file, or every .json/.yaml/.yml file under a directory (in name order).
Result<ImportSummary> import_path(const std::filesystem::path& path, FeedSink& sink);

}  // namespace portcullis::vuln
