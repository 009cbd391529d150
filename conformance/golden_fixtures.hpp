// The golden fixtures produced by the real TFA (tools/golden/): the manifest and the arrays of
// one case, loaded for the tests. Format: tools/golden/README.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conformance/evaluate.hpp"

namespace tripletcheck::conformance {

struct GoldenCase {
  std::string id;
  std::string category;
  std::string description;
  Precision precision;  // what TF was given (the manifest's "dtype": float32, float16, bfloat16)
  // Options, labels and the embeddings (or, for TFA's callable metric, the distance matrix)
  // exactly as TF saw them.
  CaseInput input;
  double loss = 0;                                     // TF's output, widened exactly
  std::vector<double> gradient;                        // TF's dLoss/dEmbeddings or dLoss/dD
  std::string input_file, labels_file, gradient_file;  // relative to the fixture directory
};

struct GoldenManifest {
  std::string tensorflow;
  std::string tensorflow_addons;
  std::vector<GoldenCase> cases;  // arrays not loaded yet: see load_arrays
};

// Categories of ordinary inputs: TFA's own test vectors and doctest, random batches, margins.
// Every other category aims at one edge (ties, overflow, fallbacks, half precision, ...). A
// variant × metric cell that passes these is usable on everyday data even if an edge fails.
bool is_ordinary_category(const std::string& category);

// The directory holding manifest.json: properties/fixtures/golden in the source tree, or an
// installed program's <prefix>/share/tripletcheck/golden (install_layout.hpp).
std::string golden_directory();
GoldenManifest load_golden_manifest(const std::string& directory);
void load_arrays(const std::string& directory, GoldenCase& c);

// For the tests: the manifest of golden_directory(), loaded once, and one of its cases with its
// arrays (empty when there is no such id).
const GoldenManifest& golden_manifest();
std::optional<GoldenCase> golden_case(const std::string& id);

}  // namespace tripletcheck::conformance
