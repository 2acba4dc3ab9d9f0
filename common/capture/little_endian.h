// Little-endian integers of the capture format, independent of the host's byte order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace l1t::capture {

inline void put_u32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Reads 4 bytes at p (the caller checked that they exist).
inline uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

}  // namespace l1t::capture
