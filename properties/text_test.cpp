// The shared text conventions (tripletcheck/text.hpp): a replay command the tool prints must
// paste into a shell unchanged, and a non-finite number must read back as what was written.
#include "tripletcheck/text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace tripletcheck {
namespace {

// What /bin/sh makes of `word` as one argument.
std::string through_the_shell(const std::string& word) {
  const std::string command = "printf '%s' " + word;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "<popen failed>";
  std::string out;
  char buffer[256];
  while (const std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  pclose(pipe);
  return out;
}

TEST(Text, ShapeTextListsTheDimensions) {
  EXPECT_EQ(shape_text({2, 3}), "[2, 3]");
  EXPECT_EQ(shape_text({7}), "[7]");
  EXPECT_EQ(shape_text({}), "[]");
}

TEST(Text, ShellQuoteLeavesPlainWordsAndQuotesTheRest) {
  EXPECT_EQ(shell_quote("build/reports/case-1.json"), "build/reports/case-1.json");
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote(""), "''");
  for (const std::string word :
       {"plain", "with space", "it's", "$HOME", "a;b|c&d", "back\\slash", "\"double\"", "*", ""}) {
    EXPECT_EQ(through_the_shell(shell_quote(word)), word) << "quoted as " << shell_quote(word);
  }
}

TEST(Text, FirstLineSkipsBlankLines) {
  EXPECT_EQ(first_line("\n\n  RC_ASSERT(x)\nExpands to"), "RC_ASSERT(x)");
  EXPECT_EQ(first_line("one line"), "one line");
  EXPECT_EQ(first_line("\n \n"), "");
}

TEST(Text, NonfiniteNamesReadBack) {
  EXPECT_EQ(nonfinite_name(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(nonfinite_name(-std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(nonfinite_name(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(nonfinite_name(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(nonfinite_name(1.5), "");
  EXPECT_TRUE(std::isnan(nonfinite_from_name("nan").value()));
  EXPECT_EQ(nonfinite_from_name("inf").value(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(nonfinite_from_name("-inf").value(), -std::numeric_limits<double>::infinity());
  EXPECT_FALSE(nonfinite_from_name("NaN").has_value());  // one spelling, as written
  EXPECT_FALSE(nonfinite_from_name("1.5").has_value());
}

}  // namespace
}  // namespace tripletcheck
