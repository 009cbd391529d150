// Thrown by a command whose checks ran and found failures: exit status 1, distinct from bad
// input or usage (2), so CI can tell "the implementation is wrong" from "the call is wrong".
#pragma once

#include <stdexcept>
#include <string>

namespace tripletcheck::cli {

class ChecksFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tripletcheck::cli
