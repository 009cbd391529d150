// Reading and writing NumPy .npy files (format versions 1.0, 2.0 and 3.0), the exchange format of
// `tripletcheck eval`, the golden fixtures and the counterexample corpus.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tripletcheck/errors.hpp"

namespace tripletcheck {

enum class NpyType {
  kFloat16,
  kFloat32,
  kFloat64,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kBool
};

// A malformed, unsupported or unreadable .npy file; the message names the file and the problem.
class NpyError : public Error {
 public:
  using Error::Error;
};

struct NpyArray {
  NpyType type = NpyType::kFloat32;
  std::vector<std::int64_t> shape;
  std::vector<unsigned char> data;  // C order, native (little-endian) byte order

  std::int64_t size() const;  // product of shape (1 for a 0-d array)
  bool is_floating() const;
  bool is_integer() const;  // signed or unsigned integers (not bool)
  // Element-wise conversions. to_int64 throws NpyError for a uint64 above INT64_MAX.
  std::vector<double> to_double() const;
  std::vector<float> to_float() const;  // float16 widened exactly, float64 rounded
  std::vector<std::int64_t> to_int64() const;
};

std::string to_string(NpyType type);  // numpy's descr, e.g. "<f4"
std::size_t item_size(NpyType type);

// Throws NpyError: bad magic, unknown version, header overrun or unparsable header, Fortran order,
// unsupported or big-endian dtype, negative or overflowing shape, truncated or excess data.
// Never allocates more than the file's actual size allows.
NpyArray read_npy(const std::string& path);
NpyArray parse_npy(const unsigned char* bytes, std::size_t length, const std::string& name);

// The bytes of a file before its data: magic, version, header length and the padded header, as
// write_npy writes them. Appending the C-order little-endian data makes a complete file.
std::string npy_preamble(NpyType type, const std::vector<std::int64_t>& shape);
// Writes a version 1.0 file (2.0 if the header needs it), little-endian, C order.
void write_npy(const std::string& path, NpyType type, const std::vector<std::int64_t>& shape,
               const void* data);

}  // namespace tripletcheck
