// Reads a capture file (format in capture_format.h) record by record, without loading it whole.
// open() refuses a file that is not a capture of a known format version, naming the file and
// the fault. Damage inside the file never stops reading early: a bad record is reported, counted
// and skipped (the reader resynchronises on the next good record), and a file cut short ends the
// stream after its last complete record with a "truncated after record N" note.
#pragma once

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace l1t::capture {

// One damaged stretch of a file, for the caller to log.
struct CaptureDamage {
  uint64_t record = 0;         // 1-based position of the damaged record in the file
  uint64_t offset = 0;         // byte offset where it starts
  uint64_t bytes_skipped = 0;  // bytes passed over to reach the next good record (or the end)
  std::string message;         // names the file, the record, the offset and the fault
};

class CaptureReader {
 public:
  bool open(const std::string& path, std::string* error);

  // The next good record; false at the end of the file (clean or truncated).
  bool next(std::string* topic, std::string* payload);

  // Damage found since the last call (at most the first 1000 are kept; all are counted).
  std::vector<CaptureDamage> take_damage();

  const std::string& path() const { return path_; }
  uint32_t format_version() const { return format_version_; }
  const nlohmann::json& source() const { return source_; }
  uint64_t records_read() const { return records_read_; }
  uint64_t records_skipped() const { return records_skipped_; }
  uint64_t bytes_skipped() const { return bytes_skipped_; }
  bool truncated() const { return truncated_; }
  // "truncated after record N: ..." when the file ends inside a record, else empty.
  const std::string& truncation_note() const { return truncation_note_; }

 private:
  enum class Parse { kOk, kBad, kShort };
  Parse parse_at(uint64_t pos, std::string* topic, std::string* payload, uint64_t* end,
                 std::string* why);
  // Offset of the next whole, good record after pos; file size if there is none.
  uint64_t find_next_record(uint64_t pos);
  bool read_at(uint64_t pos, size_t n, std::string* out);
  void note_damage(uint64_t start, uint64_t resume, const std::string& why);

  std::ifstream in_;
  std::string path_;
  uint64_t size_ = 0;
  uint64_t offset_ = 0;      // where the next record starts
  uint64_t stream_pos_ = 0;  // where in_ reads next, to seek only when needed
  uint32_t format_version_ = 0;
  nlohmann::json source_;
  uint64_t records_read_ = 0;
  uint64_t records_skipped_ = 0;
  uint64_t bytes_skipped_ = 0;
  bool truncated_ = false;
  std::string truncation_note_;
  std::vector<CaptureDamage> damage_;
  std::string scratch_, scan_topic_, scan_payload_;
};

}  // namespace l1t::capture
