// The .npy fuzz target: parse_npy on arbitrary bytes, then every conversion of what it returns.
#include <cstdlib>

#include "properties/fuzz/fuzz_targets.hpp"
#include "tripletcheck/npy.hpp"

namespace tripletcheck::fuzz {

bool npy_target(const std::uint8_t* data, std::size_t size) {
  NpyArray array;
  try {
    array = parse_npy(data, size, "fuzz.npy");
  } catch (const Error&) {
    return false;  // refused with a typed error: what bad input must get
  }
  // What parse_npy promises about an array it returns.
  const std::size_t count = array.data.size() / item_size(array.type);
  if (array.data.size() % item_size(array.type) != 0) std::abort();
  if (static_cast<std::size_t>(array.size()) != count) std::abort();
  if (array.data.size() > size) std::abort();  // never more than the input holds
  if (array.to_double().size() != count || array.to_float().size() != count) std::abort();
  try {
    if (array.to_int64().size() != count) std::abort();
  } catch (const Error&) {
    // Floating point, or a uint64 past INT64_MAX.
  }
  return true;
}

}  // namespace tripletcheck::fuzz
