#include "common/capture/capture_writer.h"

#include <cerrno>
#include <cstring>

#include "common/capture/capture_format.h"
#include "common/capture/little_endian.h"

namespace l1t::capture {

CaptureWriter::~CaptureWriter() {
  std::string ignored;
  close(&ignored);
}

bool CaptureWriter::write(std::string_view bytes, std::string* error) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    *error = "capture file " + path_ + ": write failed: " + std::strerror(errno);
    return false;
  }
  bytes_ += bytes.size();
  return true;
}

bool CaptureWriter::open(const std::string& path, const nlohmann::json& source,
                         std::string* error) {
  if (file_ != nullptr && !close(error)) return false;
  if (!source.is_object()) {
    *error = "capture file " + path + ": the source description must be a JSON object";
    return false;
  }
  const std::string text = source.dump();
  if (text.size() > kMaxSourceBytes) {
    *error = "capture file " + path + ": the source description is too long";
    return false;
  }
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) {
    *error = "capture file " + path + ": cannot create: " + std::strerror(errno);
    return false;
  }
  path_ = path;
  records_ = bytes_ = 0;
  std::string header(kMagic);
  put_u32(&header, kFormatVersion);
  put_u32(&header, static_cast<uint32_t>(text.size()));
  header += text;
  put_u32(&header, crc32(text));
  return write(header, error);
}

bool CaptureWriter::append(std::string_view topic, std::string_view payload, std::string* error) {
  if (file_ == nullptr) {
    *error = "capture file: append before open";
    return false;
  }
  if (topic.empty() || topic.size() > kMaxTopicBytes) {
    *error = "capture file " + path_ + ": topic of " + std::to_string(topic.size()) +
             " bytes (1 to " + std::to_string(kMaxTopicBytes) + " allowed)";
    return false;
  }
  if (payload.size() > kMaxPayloadBytes) {
    *error = "capture file " + path_ + ": payload of " + std::to_string(payload.size()) +
             " bytes is over the limit of " + std::to_string(kMaxPayloadBytes);
    return false;
  }
  record_.clear();
  put_u32(&record_, kRecordMarker);
  const size_t body = record_.size();  // the CRC covers everything after the marker
  record_.push_back(static_cast<char>(topic.size()));
  record_ += topic;
  put_u32(&record_, static_cast<uint32_t>(payload.size()));
  uint32_t crc = crc32(std::string_view(record_).substr(body));
  crc = crc32(payload, crc);
  // Header bytes, payload and CRC as three writes: the payload is not copied.
  if (!write(record_, error) || !write(payload, error)) return false;
  record_.clear();
  put_u32(&record_, crc);
  if (!write(record_, error)) return false;
  ++records_;
  return true;
}

bool CaptureWriter::flush(std::string* error) {
  if (file_ != nullptr && std::fflush(file_) != 0) {
    *error = "capture file " + path_ + ": flush failed: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool CaptureWriter::close(std::string* error) {
  if (file_ == nullptr) return true;
  const bool ok = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok) *error = "capture file " + path_ + ": close failed: " + std::strerror(errno);
  return ok;
}

}  // namespace l1t::capture
