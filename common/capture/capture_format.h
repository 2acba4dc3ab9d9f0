// The capture file format: a recorded stream of [topic][payload] messages, as they went over the
// wire, so that a run can be replayed byte for byte. All integers are little-endian.
//
//   file    = header record*
//   header  = "L1TCAP\n"            7 bytes of magic
//             u32 format_version    kFormatVersion; a reader refuses any other
//             u32 source_length     at most kMaxSourceBytes
//             source                JSON object describing where the stream came from:
//                                   "scenario" (name), "seed", "created_unix_ns", "tool",
//                                   "tool_version", "source_endpoint"; readers ignore other keys
//             u32 source_crc        CRC-32 of the source bytes
//   record  = u32 kRecordMarker     "L1TR": lets a reader find the next record after damage
//             u8  topic_length      1 ... kMaxTopicBytes
//             topic                 e.g. "event", "truth" (common/transport/envelope.h)
//             u32 payload_length    at most kMaxPayloadBytes
//             payload               the message bytes exactly as sent (a serialised protobuf)
//             u32 crc               CRC-32 (IEEE, as zlib) of topic_length, topic,
//                                   payload_length and payload
//
// Damage policy (CaptureReader): a record whose marker, lengths or CRC are wrong is counted,
// reported with its position and skipped; the reader then scans forward byte by byte for the
// next marker that starts a whole record with a good CRC, and goes on from there. A file that
// ends inside a record ends the stream cleanly ("truncated after record N"): every complete
// record before it is read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace l1t::capture {

inline constexpr std::string_view kMagic{"L1TCAP\n", 7};
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr uint32_t kRecordMarker = 0x5254314c;  // "L1TR" read little-endian
inline constexpr uint32_t kMaxSourceBytes = 1u << 20;
inline constexpr size_t kMaxTopicBytes = 64;
inline constexpr uint32_t kMaxPayloadBytes = 64u << 20;  // far above any event (~4 KB)
// Bytes of a record around its topic and payload: marker, topic length, payload length, CRC.
inline constexpr size_t kRecordOverhead = 4 + 1 + 4 + 4;

// CRC-32 (polynomial 0xEDB88320), continued from a previous value (0 to start).
uint32_t crc32(std::string_view bytes, uint32_t crc = 0);

// The version of the tools that write captures (the project's version).
std::string_view tool_version();

}  // namespace l1t::capture
