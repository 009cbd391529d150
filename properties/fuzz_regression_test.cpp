// Replays the fuzz targets' committed regressions (properties/fuzz/regressions/) and their seed
// corpora in the normal build and under the sanitizers, so a crash found once stays fixed.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "properties/fuzz/fuzz_targets.hpp"
#include "properties/fuzz/seeds.hpp"

namespace tripletcheck::fuzz {
namespace {

const std::uint8_t* bytes(const std::string& s) {
  return reinterpret_cast<const std::uint8_t*>(s.data());
}

std::vector<std::string> regression_files(const std::string& target) {
  const std::filesystem::path dir =
      std::filesystem::path(TRIPLETCHECK_SOURCE_DIR) / "properties/fuzz/regressions" / target;
  std::vector<std::string> files;
  if (!std::filesystem::is_directory(dir)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  }
  return files;
}

TEST(FuzzRegressions, NpyInputsNoLongerCrash) {
  for (const std::string& file : regression_files("npy")) {
    SCOPED_TRACE(file);
    const std::string input = tripletcheck_test::slurp(file);
    npy_target(bytes(input), input.size());  // a crash fails the whole test binary
  }
}

TEST(FuzzRegressions, EvalInputsNoLongerCrash) {
  for (const std::string& file : regression_files("eval")) {
    SCOPED_TRACE(file);
    const std::string input = tripletcheck_test::slurp(file);
    eval_target(bytes(input), input.size());
  }
}

// Seeds that the targets refuse would start the fuzzer from nothing.
TEST(FuzzSeeds, AreAcceptedByTheirTarget) {
  for (const Seed& seed : npy_seeds()) {
    EXPECT_TRUE(npy_target(bytes(seed.bytes), seed.bytes.size())) << seed.name;
  }
  for (const Seed& seed : eval_seeds()) {
    EXPECT_TRUE(eval_target(bytes(seed.bytes), seed.bytes.size())) << seed.name;
  }
}

}  // namespace
}  // namespace tripletcheck::fuzz
