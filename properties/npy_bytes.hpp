// Raw .npy bytes built by hand, for files no writer would produce: malformed headers, lying
// shapes, truncated data. Shared by the reader's tests and the table of bad inputs.
#pragma once

#include <cstring>
#include <string>
#include <vector>

namespace tripletcheck_test {

// Magic, version, little-endian header length (2 bytes for version 1, else 4), header, data.
inline std::string npy_bytes(const std::string& header, const std::string& data = "", int major = 1,
                             int minor = 0) {
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += static_cast<char>(minor);
  const int length_bytes = major == 1 ? 2 : 4;
  for (int i = 0; i < length_bytes; ++i) {
    out += static_cast<char>((header.size() >> (8 * i)) & 0xFF);
  }
  return out + header + data;
}

// The header dict as numpy writes it.
inline std::string npy_dict(const std::string& descr, const std::string& shape,
                            bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
         ", 'shape': " + shape + ", }\n";
}

// The bytes of `values`, as the data part of a file.
template <class T>
std::string raw_bytes(const std::vector<T>& values) {
  std::string out(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

}  // namespace tripletcheck_test
