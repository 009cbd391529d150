// The bodies of the fuzz targets, shared by the libFuzzer drivers (built with TRIPLETCHECK_FUZZ)
// and by the test that replays the committed regression corpus in every build.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tripletcheck::fuzz {

// Parses `data` as a .npy file and converts what it holds. Bad input must end in a
// tripletcheck::Error; a crash, a sanitizer report or a broken invariant (abort) is a bug.
// Returns whether the input was accepted (no Error).
bool npy_target(const std::uint8_t* data, std::size_t size);

// Decodes an `eval` call from `data` (eval_input.hpp) and runs it as `tripletcheck eval` does:
// parse both arrays, check them, evaluate with the reference. Small batches only.
// Returns whether the call was evaluated (no Error, and within the size limits).
bool eval_target(const std::uint8_t* data, std::size_t size);

}  // namespace tripletcheck::fuzz
