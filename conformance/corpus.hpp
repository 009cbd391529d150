// The counterexample corpus (properties/corpus/): shrunk failing cases of the differential
// properties, stored as JSON with exact values, replayed by every `tripletcheck conform` run and by
// the gtest suite. Format: properties/corpus/README.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conformance/generators.hpp"

namespace tripletcheck::conformance {

struct CorpusCase {
  std::string property;     // DifferentialProperty::name whose check replays the case
  std::string description;  // the failure it reproduces, or what a hand-made case exercises
  std::string found_by;     // the backend that failed, or "hand-made"
  std::optional<Precision> precision;  // where it failed; none when unknown
  std::uint64_t seed = 0;   // the conform seed that found it (0 for hand-made cases)
  std::string reproduce;    // RC_PARAMS for the gtest binary, empty when there is none
  std::string date;         // UTC, ISO 8601
  // The case as the property's check sees it; the generator's seed and lattice are kept because
  // the invariance checks derive their permutation and translation from them.
  GeneratedCase generated;
};

// The corpus folder: the source tree's (properties/corpus), or an installed program's
// (<prefix>/share/tripletcheck/corpus; install_layout.hpp).
std::string corpus_directory();
// The *.json files of a folder, sorted by name (empty when the folder does not exist).
std::vector<std::string> list_corpus(const std::string& directory);

// Throws InvalidArgument naming the file and the problem.
CorpusCase read_corpus_case(const std::string& path);
void write_corpus_case(const std::string& path, const CorpusCase& c);

// "<backend>-<property>-<8 hex digits of the case's hash>.json", the backend name reduced to
// file-name characters.
std::string corpus_file_name(const std::string& backend, const CorpusCase& c);

// The shortest decimal string that reads back as exactly `value` ("nan", "inf", "-inf" too).
std::string exact_decimal(double value);

}  // namespace tripletcheck::conformance
