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

// An empty folder replays nothing: the test says so instead of passing.
std::string nothing_to_replay(const std::string& target) {
  return "no regression input committed for the " + target + " target (properties/fuzz/" +
         "regressions/" + target + "/ is empty: ci/fuzz.sh has found no crash to keep)";
}

TEST(FuzzRegressions, NpyInputsNoLongerCrash) {
  const auto files = regression_files("npy");
  if (files.empty()) GTEST_SKIP() << nothing_to_replay("npy");
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    const std::string input = tripletcheck_test::slurp(file);
    npy_target(bytes(input), input.size());  // a crash fails the whole test binary
  }
}

TEST(FuzzRegressions, EvalInputsNoLongerCrash) {
  const auto files = regression_files("eval");
  if (files.empty()) GTEST_SKIP() << nothing_to_replay("eval");
  for (const std::string& file : files) {
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
