// The .npy reader and writer: round trips of every type, the header variants numpy and other
// writers produce, and the parser's messages for unparsable headers and unsupported dtypes.
// Hostile files (bad magic, lying lengths and shapes, truncation) are in error_table.cpp.
#include "tripletcheck/npy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "npy_bytes.hpp"
#include "temp_dir.hpp"
#include "tripletcheck/half.hpp"

namespace tripletcheck {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using tripletcheck_test::npy_bytes;
using tripletcheck_test::npy_dict;
using tripletcheck_test::TempDir;

constexpr NpyType kAllTypes[] = {NpyType::kFloat16, NpyType::kFloat32, NpyType::kFloat64,
                                 NpyType::kInt8,    NpyType::kInt16,   NpyType::kInt32,
                                 NpyType::kInt64,   NpyType::kUInt8,   NpyType::kUInt16,
                                 NpyType::kUInt32,  NpyType::kUInt64,  NpyType::kBool};

class NpyTest : public ::testing::Test {
 protected:
  std::string write_file(const std::string& bytes, const std::string& name = "a.npy") {
    const std::string path = dir_.path(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  NpyArray read_bytes(const std::string& bytes) { return read_npy(write_file(bytes)); }

  // The NpyError message for reading `bytes` from a file, after checking it names the file.
  std::string error_of(const std::string& bytes) {
    const std::string path = write_file(bytes);
    try {
      read_npy(path);
    } catch (const NpyError& e) {
      EXPECT_THAT(e.what(), HasSubstr(path));
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line: " << e.what();
      return e.what();
    }
    ADD_FAILURE() << "no NpyError for a malformed file";
    return "";
  }

  TempDir dir_;
};

TEST_F(NpyTest, RoundTripsEveryTypeAndShape) {
  const std::vector<std::vector<std::int64_t>> shapes = {{2, 3}, {5}, {}, {0, 4}, {2, 1, 3}};
  for (NpyType type : kAllTypes) {
    for (const auto& shape : shapes) {
      SCOPED_TRACE(to_string(type) + " shape of rank " + std::to_string(shape.size()));
      std::int64_t count = 1;
      for (std::int64_t d : shape) count *= d;
      std::vector<unsigned char> data(static_cast<std::size_t>(count) * item_size(type));
      // Bool must hold 0/1; other types take any bit pattern (all bytes are valid values here).
      for (std::size_t i = 0; i < data.size(); ++i) {
        data[i] = static_cast<unsigned char>(type == NpyType::kBool ? i % 2 : i * 37 + 11);
      }
      const std::string path = dir_.path("round.npy");
      write_npy(path, type, shape, data.data());
      const NpyArray array = read_npy(path);
      EXPECT_EQ(array.type, type);
      EXPECT_EQ(array.shape, shape);
      EXPECT_EQ(array.data, data);
      EXPECT_EQ(array.size(), count);
    }
  }
}

TEST_F(NpyTest, WritesVersion1WithAlignedData) {
  const float values[] = {1.5f, -2.0f};
  const std::string path = dir_.path("w.npy");
  write_npy(path, NpyType::kFloat32, {2}, values);
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const std::size_t header_length =
      static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  const std::size_t data_start = 10 + header_length;
  EXPECT_EQ(data_start % 64, 0u) << "numpy aligns the data to 64 bytes";
  EXPECT_EQ(bytes[data_start - 1], '\n');
  EXPECT_THAT(bytes.substr(10, header_length),
              AllOf(HasSubstr("'descr': '<f4'"), HasSubstr("'shape': (2,)")));
  EXPECT_EQ(bytes.size(), data_start + sizeof values);
}

TEST_F(NpyTest, ConvertsElements) {
  const std::uint16_t half_bits[] = {0x3C00, 0xC000};  // 1.0, -2.0
  const std::string path = dir_.path("h.npy");
  write_npy(path, NpyType::kFloat16, {2}, half_bits);
  EXPECT_EQ(read_npy(path).to_float(), (std::vector<float>{1.0f, -2.0f}));
  EXPECT_EQ(read_npy(path).to_double(), (std::vector<double>{1.0, -2.0}));

  const std::int8_t small[] = {-128, 127};
  write_npy(path, NpyType::kInt8, {2}, small);
  EXPECT_EQ(read_npy(path).to_int64(), (std::vector<std::int64_t>{-128, 127}));

  const std::uint64_t big[] = {7, std::uint64_t{1} << 63};
  write_npy(path, NpyType::kUInt64, {2}, big);
  EXPECT_THROW(read_npy(path).to_int64(), NpyError) << "2^63 does not fit in int64";

  const double wide[] = {0.1};
  write_npy(path, NpyType::kFloat64, {1}, wide);
  EXPECT_EQ(read_npy(path).to_float(), std::vector<float>{0.1f}) << "rounded to nearest";
  EXPECT_THROW(read_npy(path).to_int64(), NpyError);

  const bool flags[] = {true, false};
  write_npy(path, NpyType::kBool, {2}, flags);
  const NpyArray b = read_npy(path);
  EXPECT_FALSE(b.is_integer());
  EXPECT_FALSE(b.is_floating());
  EXPECT_EQ(b.to_int64(), (std::vector<std::int64_t>{1, 0}));
}

TEST_F(NpyTest, ReadsVersions2And3) {
  const std::string data(8, '\0');
  for (int major : {2, 3}) {
    const NpyArray a = read_bytes(npy_bytes(npy_dict("<f4", "(2,)"), data, major));
    EXPECT_EQ(a.type, NpyType::kFloat32);
    EXPECT_EQ(a.shape, std::vector<std::int64_t>{2});
  }
}

TEST_F(NpyTest, AcceptsHeaderVariants) {
  const std::string four(4, '\0');
  struct Case {
    std::string header;
    std::vector<std::int64_t> shape;
  };
  const Case cases[] = {
      {"{'descr':'<f4','fortran_order':False,'shape':(1,)}", {1}},
      {"{ 'shape' : ( 1 , ) , 'fortran_order' : False , 'descr' : '<f4' }   \n", {1}},
      {"{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (1,)}\n", {1}},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1)}", {1}},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1L,), }", {1}},  // Python 2 numpy
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (), }", {}},
      {"{'descr': '<f4',\n 'fortran_order': False,\t'shape': (1, 1,), }", {1, 1}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.header);
    const NpyArray a = read_bytes(npy_bytes(c.header, four));
    EXPECT_EQ(a.shape, c.shape);
    EXPECT_EQ(a.size(), 1);
  }
}

TEST_F(NpyTest, AcceptsByteOrderSpellings) {
  const struct {
    const char* descr;
    NpyType type;
  } cases[] = {{"|u1", NpyType::kUInt8},   {"|i1", NpyType::kInt8},   {"|b1", NpyType::kBool},
               {"<u1", NpyType::kUInt8},   {">i1", NpyType::kInt8},   {"=f4", NpyType::kFloat32},
               {"<f2", NpyType::kFloat16}, {"<u8", NpyType::kUInt64}, {"i8", NpyType::kInt64}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.descr);
    const NpyArray a =
        read_bytes(npy_bytes(npy_dict(c.descr, "(3,)"), std::string(3 * item_size(c.type), '\1')));
    EXPECT_EQ(a.type, c.type);
  }
}

TEST_F(NpyTest, RejectsUnparsableHeaders) {
  const char* headers[] = {
      "",
      "not a dict",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)",           // no closing brace
      "{'descr': '<f4', 'fortran_order': False}",                         // no shape
      "{'descr': '<f4', 'shape': (1,)}",                                  // no fortran_order
      "{'fortran_order': False, 'shape': (1,)}",                          // no descr
      "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}",              // not a bool
      "{'descr': '<f4', 'fortran_order': False, 'shape': [1]}",           // a list
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,,)}",         // double comma
      "{'descr': '<f4', 'fortran_order': False, 'shape': (x,)}",          // not an integer
      "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}",           // missing comma
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",  // unknown key
      "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
      "{'descr: '<f4', 'fortran_order': False, 'shape': (1,)}",  // bad quoting
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} trailing",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}",
  };
  for (const char* header : headers) {
    SCOPED_TRACE(header);
    EXPECT_THAT(error_of(npy_bytes(header, "abcd")), HasSubstr("unparsable header"));
  }
}

TEST_F(NpyTest, RejectsUnsupportedDtypesSayingWhich) {
  const struct {
    const char* descr;
    const char* why;
  } cases[] = {{"<c8", "complex"},        {"<c16", "complex"},
               {"<U3", "unicode string"}, {"|S5", "byte string"},
               {"|O", "Python object"},   {"|V8", "void"},
               {"<M8[ns]", "datetime"},   {">f4", "big-endian"},
               {">i8", "big-endian"},     {"<f16", "floating point of this width"},
               {"<i16", "integer"},       {"|f4", "byte order '|'"},
               {"", "not a numpy type"},  {"float32", "not a numpy type"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.descr);
    EXPECT_THAT(error_of(npy_bytes(npy_dict(c.descr, "(1,)"), std::string(16, '\0'))),
                AllOf(HasSubstr("unsupported dtype"), HasSubstr(std::string("'") + c.descr + "'"),
                      HasSubstr(c.why)));
  }
  EXPECT_THAT(
      error_of(npy_bytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}")),
      HasSubstr("structured"));
}

TEST_F(NpyTest, AcceptsAnEmptyArrayWhoseOtherExtentsOverflow) {
  // A zero extent makes the array empty, whatever the other extents (numpy allows this).
  EXPECT_EQ(read_bytes(npy_bytes(npy_dict("<f8", "(4294967296, 4294967296, 0)"))).size(), 0);
}

TEST_F(NpyTest, ReportsUnreadableFiles) {
  const std::string missing = dir_.path("missing.npy");
  try {
    read_npy(missing);
    ADD_FAILURE() << "no error for a missing file";
  } catch (const NpyError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr(missing), HasSubstr("No such file")));
  }
  EXPECT_THROW(read_npy(dir_.path("")), NpyError) << "a directory";
  const float value = 1.0f;
  EXPECT_THROW(write_npy(dir_.path("no/such/dir/x.npy"), NpyType::kFloat32, {1}, &value), NpyError);
  EXPECT_THROW(write_npy(dir_.path("neg.npy"), NpyType::kFloat32, {-1}, &value), NpyError);
}

TEST(NpyParse, ParsesFromMemoryAndNamesTheSource) {
  const std::string bytes = npy_bytes(npy_dict("<i4", "(1,)"), std::string("\x2A\0\0\0", 4));
  const NpyArray a =
      parse_npy(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), "memory");
  EXPECT_EQ(a.to_int64(), std::vector<std::int64_t>{42});
  try {
    parse_npy(reinterpret_cast<const unsigned char*>(bytes.data()), 3, "memory");
    ADD_FAILURE() << "no error";
  } catch (const NpyError& e) {
    EXPECT_THAT(e.what(), HasSubstr("memory"));
  }
}

TEST(NpyNames, DescrsAndItemSizesMatchNumpy) {
  EXPECT_EQ(to_string(NpyType::kFloat16), "<f2");
  EXPECT_EQ(to_string(NpyType::kUInt8), "|u1");
  EXPECT_EQ(to_string(NpyType::kBool), "|b1");
  EXPECT_EQ(to_string(NpyType::kInt64), "<i8");
  for (NpyType type : kAllTypes) {
    EXPECT_EQ(std::to_string(item_size(type)), to_string(type).substr(2)) << to_string(type);
  }
}

}  // namespace
}  // namespace tripletcheck
