// A float32 matrix as a NumPy .npy file (format version 1.0), so that a Python user can
// np.load() what the emulator exports without this project.
//
// The file is: the magic "\x93NUMPY", version bytes 1 0, a little-endian uint16 header length,
// then the header, a Python dict literal
//   {'descr': '<f4', 'fortran_order': False, 'shape': (rows, cols), }
// padded with spaces and ended by '\n' so that the data starts at a multiple of 64 bytes, then
// rows * cols little-endian float32 values in row-major (C) order.
//
// NpyWriter streams rows to disk: the header is written first with room for any row count and
// rewritten with the real one by close(), so a table of millions of rows is never held in memory.
#pragma once

#include <cstdint>
#include <fstream>
#include <span>
#include <string>
#include <vector>

namespace l1t::physics {

// The header (magic to '\n') for a rows x cols '<f4' C-order matrix, padded to total_bytes
// (a multiple of 64, at least npy_header_size(cols)); empty if it does not fit.
std::string npy_header(uint64_t rows, uint64_t cols, size_t total_bytes);
// Bytes of the header NpyWriter writes for cols columns: enough for any uint64 row count.
size_t npy_header_size(uint64_t cols);

class NpyWriter {
 public:
  NpyWriter() = default;
  NpyWriter(const NpyWriter&) = delete;
  NpyWriter& operator=(const NpyWriter&) = delete;
  ~NpyWriter();  // closes, if still open

  bool open(const std::string& path, uint64_t cols, std::string* error);
  // Appends one row of exactly cols values (a wrong size is a programming error: ignored and
  // reported by close()).
  void append_row(std::span<const float> row);
  // Writes the final row count into the header. False if any write failed.
  bool close(std::string* error);

  uint64_t rows() const { return rows_; }

 private:
  std::ofstream out_;
  std::string path_;
  uint64_t cols_ = 0;
  uint64_t rows_ = 0;
  size_t header_bytes_ = 0;
  bool bad_row_ = false;
};

struct NpyMatrix {
  uint64_t rows = 0;
  uint64_t cols = 0;
  std::vector<float> data;  // row-major
};

// Reads a 2-D '<f4' C-order .npy file (version 1.0 or 2.0): what NpyWriter writes.
bool read_npy(const std::string& path, NpyMatrix* out, std::string* error);

}  // namespace l1t::physics
