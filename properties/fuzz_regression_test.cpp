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

// An empty folder would replay nothing and pass: it fails instead (git keeps no empty folder, so
// a lost folder shows here too).
std::string nothing_to_replay(const std::string& target) {
  return "no regression input committed for the " + target + " target (properties/fuzz/" +
         "regressions/" + target + "/ is missing or empty)";
}

// What a file's name promises about its input, beyond not crashing: "-refused" inputs must end in
// a typed error, "-accepted" ones must be evaluated; a fuzz finding without either is only
// required not to crash.
void expect_outcome(const std::string& file, bool accepted) {
  const std::string name = std::filesystem::path(file).stem().string();
  const auto ends_with = [&name](const std::string& suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with("-refused")) {
    EXPECT_FALSE(accepted) << file << " was accepted";
  }
  if (ends_with("-accepted")) {
    EXPECT_TRUE(accepted) << file << " was refused";
  }
}

void replay(const std::string& target, bool (*run)(const std::uint8_t*, std::size_t)) {
  const auto files = regression_files(target);
  ASSERT_FALSE(files.empty()) << nothing_to_replay(target);
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    const std::string input = tripletcheck_test::slurp(file);
    expect_outcome(file, run(bytes(input), input.size()));  // a crash fails the whole binary
  }
}

TEST(FuzzRegressions, NpyInputsNoLongerCrash) { replay("npy", npy_target); }

TEST(FuzzRegressions, EvalInputsNoLongerCrash) { replay("eval", eval_target); }

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
