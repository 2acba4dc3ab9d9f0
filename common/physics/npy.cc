#include "common/physics/npy.h"

#include <bit>
#include <charconv>
#include <cstring>
#include <limits>

namespace l1t::physics {
namespace {

// The data are written as the host's floats; .npy says '<f4'.
static_assert(std::endian::native == std::endian::little, "npy writer assumes little-endian");

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicBytes = 6;
constexpr size_t kPreambleV1 = kMagicBytes + 2 + 2;  // magic, version, uint16 length

std::string header_dict(uint64_t rows, uint64_t cols) {
  return "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
         std::to_string(cols) + "), }";
}

size_t round_up_64(size_t n) { return (n + 63) / 64 * 64; }

// The value of the integer after `key` in a header dict, e.g. the tuple "(12, 14)" for 'shape'.
bool parse_shape(const std::string& dict, uint64_t* rows, uint64_t* cols) {
  const size_t at = dict.find("'shape':");
  if (at == std::string::npos) return false;
  const size_t open = dict.find('(', at);
  const size_t close = dict.find(')', at);
  if (open == std::string::npos || close == std::string::npos || close < open) return false;
  const std::string tuple = dict.substr(open + 1, close - open - 1);
  const size_t comma = tuple.find(',');
  if (comma == std::string::npos) return false;
  auto parse = [](std::string_view s, uint64_t* v) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    const auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  return parse(std::string_view(tuple).substr(0, comma), rows) &&
         parse(std::string_view(tuple).substr(comma + 1), cols);
}

}  // namespace

std::string npy_header(uint64_t rows, uint64_t cols, size_t total_bytes) {
  const std::string dict = header_dict(rows, cols);
  // dict + at least one pad character ('\n' ends the header).
  if (total_bytes % 64 != 0 || kPreambleV1 + dict.size() + 1 > total_bytes ||
      total_bytes - kPreambleV1 > std::numeric_limits<uint16_t>::max()) {
    return {};
  }
  const size_t len = total_bytes - kPreambleV1;
  std::string h(kMagic, kMagicBytes);
  h += '\x01';
  h += '\x00';
  h += static_cast<char>(len & 0xff);
  h += static_cast<char>(len >> 8);
  h += dict;
  h.append(total_bytes - h.size() - 1, ' ');
  h += '\n';
  return h;
}

size_t npy_header_size(uint64_t cols) {
  return round_up_64(kPreambleV1 + header_dict(std::numeric_limits<uint64_t>::max(), cols).size() +
                     1);
}

NpyWriter::~NpyWriter() {
  if (out_.is_open()) close(nullptr);
}

bool NpyWriter::open(const std::string& path, uint64_t cols, std::string* error) {
  path_ = path;
  cols_ = cols;
  rows_ = 0;
  bad_row_ = false;
  header_bytes_ = npy_header_size(cols);
  out_.open(path, std::ios::binary | std::ios::trunc);
  const std::string header = npy_header(0, cols, header_bytes_);
  out_.write(header.data(), static_cast<std::streamsize>(header.size()));
  if (!out_) {
    if (error) *error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

void NpyWriter::append_row(std::span<const float> row) {
  if (row.size() != cols_) {
    bad_row_ = true;
    return;
  }
  out_.write(reinterpret_cast<const char*>(row.data()),
             static_cast<std::streamsize>(row.size() * sizeof(float)));
  ++rows_;
}

bool NpyWriter::close(std::string* error) {
  if (!out_.is_open()) return true;
  const std::string header = npy_header(rows_, cols_, header_bytes_);
  out_.seekp(0);
  out_.write(header.data(), static_cast<std::streamsize>(header.size()));
  out_.close();
  if (!out_ || bad_row_) {
    if (error) {
      *error = bad_row_ ? path_ + ": a row of the wrong width was given"
                        : "cannot write " + path_ + ": " + std::strerror(errno);
    }
    return false;
  }
  return true;
}

bool read_npy(const std::string& path, NpyMatrix* out, std::string* error) {
  auto fail = [&](const std::string& why) {
    if (error) *error = path + ": " + why;
    return false;
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot open");
  char pre[kPreambleV1 + 2];
  if (!in.read(pre, kMagicBytes + 2) || std::memcmp(pre, kMagic, kMagicBytes) != 0) {
    return fail("not a .npy file (bad magic)");
  }
  const int major = static_cast<uint8_t>(pre[6]);
  size_t len = 0;
  size_t preamble = 0;
  if (major == 1) {
    unsigned char b[2];
    if (!in.read(reinterpret_cast<char*>(b), 2)) return fail("truncated header");
    len = b[0] | (size_t{b[1]} << 8);
    preamble = kPreambleV1;
  } else if (major == 2) {
    unsigned char b[4];
    if (!in.read(reinterpret_cast<char*>(b), 4)) return fail("truncated header");
    len = b[0] | (size_t{b[1]} << 8) | (size_t{b[2]} << 16) | (size_t{b[3]} << 24);
    preamble = kPreambleV1 + 2;
  } else {
    return fail("unsupported .npy version " + std::to_string(major));
  }
  std::string dict(len, '\0');
  if (!in.read(dict.data(), static_cast<std::streamsize>(len))) return fail("truncated header");
  if ((preamble + len) % 64 != 0) return fail("header not padded to 64 bytes");
  if (dict.empty() || dict.back() != '\n') return fail("header does not end in a newline");
  if (dict.find("'descr': '<f4'") == std::string::npos) return fail("dtype is not '<f4'");
  if (dict.find("'fortran_order': False") == std::string::npos) return fail("not C order");
  if (!parse_shape(dict, &out->rows, &out->cols)) return fail("no 2-D shape in the header");
  out->data.resize(out->rows * out->cols);
  if (!in.read(reinterpret_cast<char*>(out->data.data()),
               static_cast<std::streamsize>(out->data.size() * sizeof(float)))) {
    return fail("fewer data than the shape says");
  }
  if (in.peek() != std::ifstream::traits_type::eof()) return fail("more data than the shape says");
  return true;
}

}  // namespace l1t::physics
