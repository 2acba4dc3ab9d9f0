#include "common/capture/capture_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "common/capture/capture_format.h"
#include "common/capture/little_endian.h"

namespace l1t::capture {
namespace {

constexpr size_t kMaxDamageKept = 1000;
constexpr size_t kScanChunk = 64 * 1024;

}  // namespace

bool CaptureReader::read_at(uint64_t pos, size_t n, std::string* out) {
  if (pos + n > size_) return false;
  if (pos != stream_pos_) {
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(pos));
  }
  out->resize(n);
  in_.read(out->data(), static_cast<std::streamsize>(n));
  const bool ok = static_cast<size_t>(in_.gcount()) == n;
  stream_pos_ = ok ? pos + n : UINT64_MAX;  // after a failure, seek next time
  return ok;
}

bool CaptureReader::open(const std::string& path, std::string* error) {
  *this = CaptureReader();
  path_ = path;
  std::error_code ec;
  size_ = std::filesystem::file_size(path, ec);
  if (ec) {
    *error = "cannot open capture file " + path + ": " + ec.message();
    return false;
  }
  in_.open(path, std::ios::binary);
  if (!in_) {
    *error = "cannot open capture file " + path + ": " + std::strerror(errno);
    return false;
  }
  const std::string file = "capture file " + path;
  if (size_ == 0) {
    *error = file + " is empty: no header";
    return false;
  }
  std::string bytes;
  if (!read_at(0, kMagic.size(), &bytes) || bytes != kMagic) {
    *error = file + " is not a capture file: it does not start with the magic \"L1TCAP\\n\"";
    return false;
  }
  if (!read_at(kMagic.size(), 8, &bytes)) {
    *error = file + " is truncated inside its header";
    return false;
  }
  format_version_ = get_u32(bytes.data());
  if (format_version_ != kFormatVersion) {
    *error = file + " has format version " + std::to_string(format_version_) +
             "; this program reads version " + std::to_string(kFormatVersion);
    return false;
  }
  const uint32_t source_length = get_u32(bytes.data() + 4);
  if (source_length > kMaxSourceBytes) {
    *error = file + " has a damaged header: source description of " +
             std::to_string(source_length) + " bytes";
    return false;
  }
  const uint64_t source_at = kMagic.size() + 8;
  std::string text, crc;
  if (!read_at(source_at, source_length, &text) || !read_at(source_at + source_length, 4, &crc)) {
    *error = file + " is truncated inside its header";
    return false;
  }
  if (get_u32(crc.data()) != crc32(text)) {
    *error = file + " has a damaged header: the source description fails its checksum";
    return false;
  }
  source_ = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!source_.is_object()) {
    *error = file + " has a damaged header: the source description is not a JSON object";
    return false;
  }
  offset_ = source_at + source_length + 4;
  return true;
}

CaptureReader::Parse CaptureReader::parse_at(uint64_t pos, std::string* topic, std::string* payload,
                                             uint64_t* end, std::string* why) {
  if (!read_at(pos, 5, &scratch_)) return Parse::kShort;
  if (get_u32(scratch_.data()) != kRecordMarker) {
    *why = "no record marker";
    return Parse::kBad;
  }
  const size_t topic_length = static_cast<unsigned char>(scratch_[4]);
  if (topic_length == 0 || topic_length > kMaxTopicBytes) {
    *why = "impossible topic length " + std::to_string(topic_length);
    return Parse::kBad;
  }
  uint32_t crc = crc32(std::string_view(scratch_).substr(4));
  if (!read_at(pos + 5, topic_length + 4, &scratch_)) return Parse::kShort;
  const uint32_t payload_length = get_u32(scratch_.data() + topic_length);
  if (payload_length > kMaxPayloadBytes) {
    *why = "impossible payload length " + std::to_string(payload_length);
    return Parse::kBad;
  }
  crc = crc32(scratch_, crc);
  topic->assign(scratch_, 0, topic_length);
  const uint64_t payload_at = pos + 5 + topic_length + 4;
  if (!read_at(payload_at, payload_length, payload)) return Parse::kShort;
  if (!read_at(payload_at + payload_length, 4, &scratch_)) return Parse::kShort;
  if (get_u32(scratch_.data()) != crc32(*payload, crc)) {
    *why = "checksum mismatch (topic '" + *topic + "', " + std::to_string(payload_length) +
           " bytes of payload)";
    return Parse::kBad;
  }
  *end = payload_at + payload_length + 4;
  return Parse::kOk;
}

uint64_t CaptureReader::find_next_record(uint64_t pos) {
  std::string needle;
  put_u32(&needle, kRecordMarker);
  std::string chunk;
  uint64_t end = 0;
  std::string why;
  for (uint64_t at = pos; at + needle.size() <= size_;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kScanChunk, size_ - at));
    if (!read_at(at, n, &chunk)) return size_;
    for (size_t hit = chunk.find(needle); hit != std::string::npos;
         hit = chunk.find(needle, hit + 1)) {
      if (parse_at(at + hit, &scan_topic_, &scan_payload_, &end, &why) == Parse::kOk) {
        return at + hit;
      }
    }
    if (n < needle.size()) break;
    at += n - (needle.size() - 1);  // a marker may straddle two chunks
  }
  return size_;
}

void CaptureReader::note_damage(uint64_t start, uint64_t resume, const std::string& why) {
  ++records_skipped_;
  bytes_skipped_ += resume - start;
  const uint64_t record = records_read_ + records_skipped_;
  std::string message = "capture file " + path_ + ": record " + std::to_string(record) +
                        " at byte offset " + std::to_string(start) + ": " + why + "; skipped " +
                        std::to_string(resume - start) + " bytes";
  message += resume < size_ ? " to the next good record at byte offset " + std::to_string(resume)
                            : " to the end of the file (no good record after it)";
  if (damage_.size() < kMaxDamageKept) {
    damage_.push_back({record, start, resume - start, std::move(message)});
  }
}

bool CaptureReader::next(std::string* topic, std::string* payload) {
  while (offset_ < size_) {
    const uint64_t start = offset_;
    uint64_t end = 0;
    std::string why;
    const Parse p = parse_at(start, topic, payload, &end, &why);
    if (p == Parse::kOk) {
      offset_ = end;
      ++records_read_;
      return true;
    }
    const uint64_t resume = find_next_record(start + 1);
    if (p == Parse::kShort && resume == size_) {
      // Nothing good follows: the file was cut short inside this record.
      truncated_ = true;
      truncation_note_ = "capture file " + path_ + ": truncated after record " +
                         std::to_string(records_read_ + records_skipped_) + ": " +
                         std::to_string(size_ - start) + " bytes of an incomplete record at byte " +
                         "offset " + std::to_string(start);
      offset_ = size_;
      return false;
    }
    note_damage(start, resume,
                p == Parse::kShort ? "its length runs past the end of the file" : why);
    offset_ = resume;
  }
  return false;
}

std::vector<CaptureDamage> CaptureReader::take_damage() {
  std::vector<CaptureDamage> out;
  out.swap(damage_);
  return out;
}

}  // namespace l1t::capture
