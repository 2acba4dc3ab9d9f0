// Writes a capture file (format in capture_format.h): a header describing the source, then one
// record per message. Writes go straight to the named path, buffered; close() makes the file
// complete. Errors are returned, never thrown.
#pragma once

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace l1t::capture {

class CaptureWriter {
 public:
  CaptureWriter() = default;
  CaptureWriter(const CaptureWriter&) = delete;
  CaptureWriter& operator=(const CaptureWriter&) = delete;
  ~CaptureWriter();  // closes a file still open

  // Creates or truncates path and writes the header; source must be a JSON object.
  bool open(const std::string& path, const nlohmann::json& source, std::string* error);
  // Appends one record. Refuses an empty or over-long topic and an over-long payload.
  bool append(std::string_view topic, std::string_view payload, std::string* error);
  bool flush(std::string* error);
  bool close(std::string* error);

  bool is_open() const { return file_ != nullptr; }
  const std::string& path() const { return path_; }
  uint64_t records() const { return records_; }
  uint64_t bytes() const { return bytes_; }  // the whole file so far, header included

 private:
  bool write(std::string_view bytes, std::string* error);

  std::FILE* file_ = nullptr;
  std::string path_;
  std::string record_;  // reused per append
  uint64_t records_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace l1t::capture
