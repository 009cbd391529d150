// Seed corpora of the fuzz targets: valid inputs that reach every branch of the happy path, from
// which libFuzzer mutates. Written by fuzz_seeds (ci/fuzz.sh) and replayed by the regression test.
#pragma once

#include <string>
#include <vector>

namespace tripletcheck::fuzz {

struct Seed {
  std::string name;  // a file name
  std::string bytes;
};

// A valid .npy file of every dtype, in shapes of rank 0 to 3, empty ones included.
std::vector<Seed> npy_seeds();
// Valid eval calls (eval_input.hpp): every loss variant × metric on float16, float32 and float64
// embeddings, precomputed distances, labels of every integer dtype, strict and gradient flags.
std::vector<Seed> eval_seeds();

}  // namespace tripletcheck::fuzz
