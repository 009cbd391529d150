#include "conformance/run/shard.hpp"

#include <cstdlib>
#include <optional>

#include "tripletcheck/errors.hpp"

namespace tripletcheck::conformance {
namespace {

constexpr int kMaxShards = 10000;

std::optional<int> whole_number(const std::string& text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::string Shard::text() const { return std::to_string(index + 1) + "/" + std::to_string(count); }

Shard parse_shard(const std::string& argument, const std::string& text) {
  const auto slash = text.find('/');
  const auto k = whole_number(text.substr(0, slash));
  const auto n = slash == std::string::npos ? std::nullopt : whole_number(text.substr(slash + 1));
  if (!k || !n || *n < 1 || *n > kMaxShards || *k < 1 || *k > *n) {
    throw InvalidArgument(argument, text,
                          "expected K/N with 1 <= K <= N <= " + std::to_string(kMaxShards) +
                              ", e.g. 2/4 for the second of four jobs");
  }
  return Shard{*k - 1, *n};
}

Shard shard_from_environment() {
  const char* index = std::getenv("GTEST_SHARD_INDEX");
  const char* total = std::getenv("GTEST_TOTAL_SHARDS");
  if (index == nullptr && total == nullptr) return {};
  if (index == nullptr || total == nullptr) {
    throw InvalidArgument(index == nullptr ? "GTEST_SHARD_INDEX" : "GTEST_TOTAL_SHARDS", "unset",
                          "GTEST_SHARD_INDEX and GTEST_TOTAL_SHARDS go together");
  }
  const auto k = whole_number(index);
  const auto n = whole_number(total);
  if (!n || *n < 1 || *n > kMaxShards) {
    throw InvalidArgument("GTEST_TOTAL_SHARDS", total, "expected a whole number of shards >= 1");
  }
  if (!k || *k >= *n) {
    throw InvalidArgument("GTEST_SHARD_INDEX", index,
                          "expected 0 <= index < GTEST_TOTAL_SHARDS (" + std::string(total) + ")");
  }
  return Shard{*k, *n};
}

}  // namespace tripletcheck::conformance
