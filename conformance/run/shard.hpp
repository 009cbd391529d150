// One of N parallel jobs of a conform run (a CI matrix): `--shard K/N`, or GoogleTest's
// GTEST_SHARD_INDEX / GTEST_TOTAL_SHARDS when those are set. The units dealt out are the golden
// fixtures (by manifest position), the corpus cases (by file order) and the properties (by
// position among those chosen): unit u belongs to shard u mod N. A property is one unit because
// RapidCheck draws its cases in sequence from one seed, and the gtest replay needs that seed;
// its cases are never split. `merge-reports` joins the shards' conform.json into the report a
// single run gives (merge.hpp).
#pragma once

#include <cstddef>
#include <string>

namespace tripletcheck::conformance {

struct Shard {
  int index = 0;  // 0-based
  int count = 1;
  bool whole() const { return count == 1; }
  bool owns(std::size_t unit) const {
    return static_cast<int>(unit % static_cast<std::size_t>(count)) == index;
  }
  std::string text() const;  // "2/4": 1-based, as --shard takes it
};

// "K/N" with 1 <= K <= N; throws InvalidArgument(argument, text, ...) otherwise.
Shard parse_shard(const std::string& argument, const std::string& text);
// GTEST_SHARD_INDEX (0-based) and GTEST_TOTAL_SHARDS when both are set, else the whole run;
// throws InvalidArgument naming the variable for a malformed or inconsistent value.
Shard shard_from_environment();

}  // namespace tripletcheck::conformance
