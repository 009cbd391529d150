// NumPy .npy reading and writing (format versions 1.0, 2.0, 3.0), with a hand-written parser for
// the header's Python dict literal. Every malformed input ends in an NpyError naming the file.
#include "tripletcheck/npy.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tripletcheck/half.hpp"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "npy.cpp copies little-endian data as is: a big-endian host would need byte swapping"
#endif

namespace tripletcheck {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;
// numpy pads the header so the data starts on a 64-byte boundary (mmap-friendly, format spec).
constexpr std::size_t kHeaderAlignment = 64;
// Version 1.0 stores the header length in 2 bytes; longer headers need version 2.0 (4 bytes).
constexpr std::size_t kMaxHeaderLengthV1 = 0xFFFF;
// numpy's NPY_MAXDIMS (64 since numpy 2.0, 32 before). A longer shape is not an array numpy can
// make, and refusing it keeps messages that print the shape short.
constexpr std::size_t kMaxRank = 64;

[[noreturn]] void fail(const std::string& name, const std::string& problem) {
  throw NpyError(name + ": " + problem);
}

std::string shape_string(const std::vector<std::int64_t>& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  if (shape.size() == 1) out += ",";  // Python's 1-tuple spelling, as numpy writes it
  return out + ")";
}

// The header as one printable line for a message: control bytes shown as '?', long text cut.
std::string printable(std::string_view text) {
  constexpr std::size_t kMaxShown = 160;
  std::string out;
  for (char c : text.substr(0, kMaxShown)) {
    out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  }
  if (text.size() > kMaxShown) out += "...";
  return out;
}

// The three fields of the header dict that describe the array.
struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
};

// Recursive descent over the subset of Python literals that .npy headers use: a dict of string
// keys whose values are a string, True/False, or a tuple of integers.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  Header parse() {
    Header header;
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    expect('{');
    while (skip_space() != '}') {
      const std::string key = parse_string();
      expect(':');
      if (key == "descr") {
        mark_seen(seen_descr, key);
        if (skip_space() == '[') {
          fail(name_, "unsupported dtype: structured (record) arrays are not supported");
        }
        header.descr = parse_string();
      } else if (key == "fortran_order") {
        mark_seen(seen_fortran, key);
        header.fortran_order = parse_bool();
      } else if (key == "shape") {
        mark_seen(seen_shape, key);
        header.shape = parse_shape();
      } else {
        error("unexpected key '" + printable(key) + "'");
      }
      // A comma separates entries and may also trail the last one, as numpy writes it.
      if (skip_space() == ',') {
        ++pos_;
      } else if (peek() != '}') {
        error("expected ',' or '}'");
      }
    }
    ++pos_;
    if (skip_space() != '\0') error("unexpected text after the dict");
    if (!seen_descr) error("missing key 'descr'");
    if (!seen_fortran) error("missing key 'fortran_order'");
    if (!seen_shape) error("missing key 'shape'");
    return header;
  }

 private:
  [[noreturn]] void error(const std::string& problem) const {
    fail(name_, "unparsable header (" + problem + " at offset " + std::to_string(pos_) +
                    "): " + printable(text_));
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  // Skips whitespace and returns the next character ('\0' at the end).
  char skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
    return peek();
  }

  void expect(char c) {
    if (skip_space() != c) error(std::string("expected '") + c + "'");
    ++pos_;
  }

  void mark_seen(bool& seen, const std::string& key) {
    if (seen) error("duplicate key '" + printable(key) + "'");
    seen = true;
  }

  std::string parse_string() {
    const char quote = skip_space();
    if (quote != '\'' && quote != '"') error("expected a quoted string");
    const std::size_t start = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' || text_[pos_] == '\n') error("unsupported character in a string");
      ++pos_;
    }
    if (pos_ >= text_.size()) error("unterminated string");
    return std::string(text_.substr(start, pos_++ - start));
  }

  bool parse_bool() {
    skip_space();
    for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
      const std::string_view w(word);
      if (text_.substr(pos_, w.size()) == w) {
        pos_ += w.size();
        return value;
      }
    }
    error("expected True or False");
  }

  std::int64_t parse_int() {
    const bool negative = skip_space() == '-';
    if (negative) ++pos_;
    if (!std::isdigit(static_cast<unsigned char>(peek()))) error("expected an integer");
    std::int64_t value = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      const int digit = text_[pos_++] - '0';
      if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10) {
        error("dimension does not fit in 64 bits");
      }
      value = value * 10 + digit;
    }
    if (peek() == 'L') ++pos_;  // Python 2's long suffix, found in files numpy wrote under py2
    return negative ? -value : value;
  }

  // "()", "(5,)", "(5)", "(2, 3)", "(2, 3,)" with any spacing.
  std::vector<std::int64_t> parse_shape() {
    expect('(');
    std::vector<std::int64_t> shape;
    while (skip_space() != ')') {
      if (shape.size() == kMaxRank) {
        fail(name_,
             "shape has more than " + std::to_string(kMaxRank) + " dimensions (numpy's maximum)");
      }
      shape.push_back(parse_int());
      if (skip_space() == ',') {
        ++pos_;
      } else if (peek() != ')') {
        error("expected ',' or ')' in the shape");
      }
    }
    ++pos_;
    return shape;
  }

  std::string_view text_;
  const std::string& name_;
  std::size_t pos_ = 0;
};

// The dtypes read, as numpy spells them after the byte-order character.
struct KnownType {
  std::string_view code;
  NpyType type;
};
constexpr KnownType kKnownTypes[] = {
    {"f2", NpyType::kFloat16}, {"f4", NpyType::kFloat32}, {"f8", NpyType::kFloat64},
    {"i1", NpyType::kInt8},    {"i2", NpyType::kInt16},   {"i4", NpyType::kInt32},
    {"i8", NpyType::kInt64},   {"u1", NpyType::kUInt8},   {"u2", NpyType::kUInt16},
    {"u4", NpyType::kUInt32},  {"u8", NpyType::kUInt64},  {"b1", NpyType::kBool},
};

// Why a dtype that is not in kKnownTypes is not read, named after numpy's kind character.
std::string unsupported_kind(std::string_view code) {
  // numpy's codes are a kind letter, then a width ("c8", "U3") or nothing ("O").
  const bool numpy_code =
      !code.empty() && (code.size() == 1 || std::isdigit(static_cast<unsigned char>(code[1])));
  switch (numpy_code ? code[0] : '\0') {
    case 'f':
      return "floating point of this width";
    case 'i':
    case 'u':
      return "integer of this width";
    case 'b':
      return "bool of this width";
    case 'c':
      return "complex";
    case 'U':
      return "unicode string";
    case 'S':
    case 'a':
      return "byte string";
    case 'O':
      return "Python object";
    case 'V':
      return "void or structured";
    case 'M':
    case 'm':
      return "datetime or timedelta";
    default:
      return "not a numpy type string";
  }
}

// Maps numpy's descr ("<f4", "|u1", "=i8", ...) to a type, or explains why it cannot.
NpyType parse_descr(const std::string& descr, const std::string& name) {
  const auto unsupported = [&](const std::string& why) -> NpyType {
    fail(name, "unsupported dtype '" + printable(descr) + "' (" + why + ")");
  };
  std::string_view code(descr);
  char order = '=';  // no byte-order character: native, as numpy reads it
  if (!code.empty() && (code[0] == '<' || code[0] == '>' || code[0] == '|' || code[0] == '=')) {
    order = code[0];
    code.remove_prefix(1);
  }
  for (const KnownType& known : kKnownTypes) {
    if (code != known.code) continue;
    // Byte order only matters for multi-byte types; numpy writes '|' for single bytes.
    if (item_size(known.type) > 1 && order == '>') {
      return unsupported("big-endian; convert with arr.astype(arr.dtype.newbyteorder('<'))");
    }
    if (item_size(known.type) > 1 && order == '|') {
      return unsupported("byte order '|' on a multi-byte type");
    }
    return known.type;
  }
  return unsupported(unsupported_kind(code));
}

std::uint64_t read_le(const unsigned char* bytes, std::size_t count) {
  std::uint64_t value = 0;
  for (std::size_t i = count; i-- > 0;) value = (value << 8) | bytes[i];
  return value;
}

// Element count of `shape` times item size, or fails: negative dims or more than 2^63 bytes.
std::uint64_t checked_byte_count(const std::vector<std::int64_t>& shape, NpyType type,
                                 const std::string& name) {
  std::int64_t bytes = static_cast<std::int64_t>(item_size(type));
  bool overflow = false;
  for (std::int64_t dim : shape) {
    if (dim < 0)
      fail(name, "negative dimension " + std::to_string(dim) + " in shape " + shape_string(shape));
    overflow = overflow || __builtin_mul_overflow(bytes, dim, &bytes);
  }
  // A zero dimension makes the product 0 whatever overflowed before it.
  for (std::int64_t dim : shape) {
    if (dim == 0) return 0;
  }
  if (overflow) {
    fail(name, "shape " + shape_string(shape) + " of " + to_string(type) +
                   " overflows: more than 2^63 bytes");
  }
  return static_cast<std::uint64_t>(bytes);
}

template <class T>
T load(const unsigned char* bytes) {
  T value;
  std::memcpy(&value, bytes, sizeof value);
  return value;
}

// Calls f(value) for every element, read as its stored type.
template <class F>
void for_each_element(const NpyArray& array, F&& f) {
  const std::size_t step = item_size(array.type);
  const unsigned char* p = array.data.data();
  const std::size_t count = array.data.size() / step;
  for (std::size_t i = 0; i < count; ++i, p += step) {
    switch (array.type) {
      case NpyType::kFloat16:
        f(half_bits_to_float(load<std::uint16_t>(p), HalfType::kFloat16));
        break;
      case NpyType::kFloat32:
        f(load<float>(p));
        break;
      case NpyType::kFloat64:
        f(load<double>(p));
        break;
      case NpyType::kInt8:
        f(load<std::int8_t>(p));
        break;
      case NpyType::kInt16:
        f(load<std::int16_t>(p));
        break;
      case NpyType::kInt32:
        f(load<std::int32_t>(p));
        break;
      case NpyType::kInt64:
        f(load<std::int64_t>(p));
        break;
      case NpyType::kUInt8:
        f(load<std::uint8_t>(p));
        break;
      case NpyType::kUInt16:
        f(load<std::uint16_t>(p));
        break;
      case NpyType::kUInt32:
        f(load<std::uint32_t>(p));
        break;
      case NpyType::kUInt64:
        f(load<std::uint64_t>(p));
        break;
      case NpyType::kBool:
        f(load<std::uint8_t>(p) != 0);
        break;
    }
  }
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

}  // namespace

std::string to_string(NpyType type) {
  switch (type) {
    case NpyType::kFloat16:
      return "<f2";
    case NpyType::kFloat32:
      return "<f4";
    case NpyType::kFloat64:
      return "<f8";
    case NpyType::kInt8:
      return "|i1";
    case NpyType::kInt16:
      return "<i2";
    case NpyType::kInt32:
      return "<i4";
    case NpyType::kInt64:
      return "<i8";
    case NpyType::kUInt8:
      return "|u1";
    case NpyType::kUInt16:
      return "<u2";
    case NpyType::kUInt32:
      return "<u4";
    case NpyType::kUInt64:
      return "<u8";
    case NpyType::kBool:
      return "|b1";
  }
  return "?";
}

std::size_t item_size(NpyType type) {
  switch (type) {
    case NpyType::kInt8:
    case NpyType::kUInt8:
    case NpyType::kBool:
      return 1;
    case NpyType::kFloat16:
    case NpyType::kInt16:
    case NpyType::kUInt16:
      return 2;
    case NpyType::kFloat32:
    case NpyType::kInt32:
    case NpyType::kUInt32:
      return 4;
    case NpyType::kFloat64:
    case NpyType::kInt64:
    case NpyType::kUInt64:
      return 8;
  }
  return 1;
}

std::int64_t NpyArray::size() const {
  // A zero extent first: the other extents' product may overflow (numpy allows (2**40, 2**40, 0)).
  for (std::int64_t dim : shape) {
    if (dim == 0) return 0;
  }
  std::int64_t n = 1;
  for (std::int64_t dim : shape) n *= dim;
  return n;
}

bool NpyArray::is_floating() const {
  return type == NpyType::kFloat16 || type == NpyType::kFloat32 || type == NpyType::kFloat64;
}

bool NpyArray::is_integer() const { return !is_floating() && type != NpyType::kBool; }

std::vector<double> NpyArray::to_double() const {
  std::vector<double> out;
  out.reserve(data.size() / item_size(type));
  for_each_element(*this, [&](auto v) { out.push_back(static_cast<double>(v)); });
  return out;
}

std::vector<float> NpyArray::to_float() const {
  std::vector<float> out;
  out.reserve(data.size() / item_size(type));
  for_each_element(*this, [&](auto v) { out.push_back(static_cast<float>(v)); });
  return out;
}

std::vector<std::int64_t> NpyArray::to_int64() const {
  if (is_floating()) throw NpyError("cannot convert a " + to_string(type) + " array to integers");
  std::vector<std::int64_t> out;
  out.reserve(data.size() / item_size(type));
  for_each_element(*this, [&](auto v) {
    if constexpr (std::is_same_v<decltype(v), std::uint64_t>) {
      if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        throw NpyError("uint64 value " + std::to_string(v) + " does not fit in int64");
      }
    }
    // Only integers and bool get here (floating types were rejected above).
    if constexpr (std::is_integral_v<decltype(v)>) out.push_back(static_cast<std::int64_t>(v));
  });
  return out;
}

NpyArray parse_npy(const unsigned char* bytes, std::size_t length, const std::string& name) {
  if (length < kMagicSize || std::memcmp(bytes, kMagic, kMagicSize) != 0) {
    fail(name, "not an .npy file (bad magic; expected \\x93NUMPY)");
  }
  if (length < kMagicSize + 2) fail(name, "truncated before the format version");
  const int major = bytes[kMagicSize], minor = bytes[kMagicSize + 1];
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    fail(name, "unknown .npy format version " + std::to_string(major) + "." +
                   std::to_string(minor) + " (supported: 1.0, 2.0, 3.0)");
  }
  const std::size_t length_size = major == 1 ? 2 : 4;
  const std::size_t header_start = kMagicSize + 2 + length_size;
  if (length < header_start) fail(name, "truncated before the header length");
  const std::uint64_t header_length = read_le(bytes + kMagicSize + 2, length_size);
  if (header_length > length - header_start) {
    fail(name, "header length " + std::to_string(header_length) +
                   " runs past the end of the file (" + std::to_string(length) + " bytes)");
  }

  const std::string_view text(reinterpret_cast<const char*>(bytes + header_start), header_length);
  const Header header = HeaderParser(text, name).parse();
  NpyArray array;
  array.type = parse_descr(header.descr, name);
  if (header.fortran_order) {
    fail(name, "Fortran-order arrays are not supported; save with np.ascontiguousarray");
  }
  array.shape = header.shape;
  // Checked against the file's real size before anything is allocated for the data.
  const std::uint64_t expected = checked_byte_count(array.shape, array.type, name);
  const std::size_t data_start = header_start + header_length;
  const std::uint64_t actual = length - data_start;
  const std::string described =
      "shape " + shape_string(array.shape) + " of " + to_string(array.type);
  if (actual < expected) {
    fail(name, "truncated: " + described + " needs " + std::to_string(expected) +
                   " bytes of data, the file has " + std::to_string(actual));
  }
  if (actual > expected) {
    fail(name, "data longer than declared: " + described + " needs " + std::to_string(expected) +
                   " bytes, the file has " + std::to_string(actual));
  }
  array.data.assign(bytes + data_start, bytes + length);
  return array;
}

NpyArray read_npy(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) fail(path, std::string("cannot open: ") + std::strerror(errno));
  // Read in chunks rather than trusting a size from stat: works for pipes too, and the buffer
  // only ever grows with bytes that really exist.
  std::vector<unsigned char> bytes;
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  for (;;) {
    const std::size_t old_size = bytes.size();
    bytes.resize(old_size + kChunk);
    const std::size_t got = std::fread(bytes.data() + old_size, 1, kChunk, file.get());
    bytes.resize(old_size + got);
    if (got < kChunk) break;
  }
  if (std::ferror(file.get())) fail(path, std::string("cannot read: ") + std::strerror(errno));
  return parse_npy(bytes.data(), bytes.size(), path);
}

std::string npy_preamble(NpyType type, const std::vector<std::int64_t>& shape) {
  checked_byte_count(shape, type, "npy_preamble");  // refuses shapes no file can hold
  std::string header = "{'descr': '" + to_string(type) +
                       "', 'fortran_order': False, 'shape': " + shape_string(shape) + ", }";
  // Pad with spaces and end with '\n' so the data starts on an aligned offset, as numpy does.
  const auto pad_for = [&](std::size_t preamble) {
    const std::size_t unpadded = preamble + header.size() + 1;
    return (kHeaderAlignment - unpadded % kHeaderAlignment) % kHeaderAlignment;
  };
  int major = 1;
  std::size_t preamble = kMagicSize + 2 + 2;
  if (header.size() + pad_for(preamble) + 1 > kMaxHeaderLengthV1) {
    major = 2;
    preamble = kMagicSize + 2 + 4;
  }
  header.append(pad_for(preamble), ' ');
  header += '\n';

  std::string out(kMagic, kMagicSize);
  out += static_cast<char>(major);
  out += '\0';
  for (std::size_t i = 0; i < preamble - kMagicSize - 2; ++i) {
    out += static_cast<char>((header.size() >> (8 * i)) & 0xFF);
  }
  return out + header;
}

void write_npy(const std::string& path, NpyType type, const std::vector<std::int64_t>& shape,
               const void* data) {
  const std::uint64_t data_bytes = checked_byte_count(shape, type, path);
  if (data_bytes > 0 && data == nullptr) fail(path, "no data to write");
  const std::string preamble = npy_preamble(type, shape);

  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wb"));
  if (!file) fail(path, std::string("cannot open for writing: ") + std::strerror(errno));
  const bool ok = std::fwrite(preamble.data(), 1, preamble.size(), file.get()) == preamble.size() &&
                  (data_bytes == 0 || std::fwrite(data, 1, data_bytes, file.get()) == data_bytes);
  const int close_status = std::fclose(file.release());
  if (!ok || close_status != 0) fail(path, std::string("cannot write: ") + std::strerror(errno));
}

}  // namespace tripletcheck
