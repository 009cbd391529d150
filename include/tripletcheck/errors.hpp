// The typed errors of the library. Every bad input ends in one of these, never in a crash.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace tripletcheck {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A caller's argument is wrong. The message names the argument and its value.
class InvalidArgument : public Error {
 public:
  InvalidArgument(std::string argument, std::string value, const std::string& problem);
  const std::string& argument() const { return argument_; }
  const std::string& value() const { return value_; }

 private:
  std::string argument_;
  std::string value_;
};

// The backend does not implement this combination (dtype, precomputed distances, gradients).
class Unsupported : public Error {
 public:
  using Error::Error;
};

// The backend is compiled in but cannot run here (for example: no GPU).
class Unavailable : public Error {
 public:
  using Error::Error;
};

// The evaluation would need more memory than the backend is allowed to take. Thrown up front,
// before anything large is allocated. `advice` (optional) says how to get past the limit.
class ResourceLimit : public Error {
 public:
  ResourceLimit(const std::string& what, std::uint64_t bytes_needed, std::uint64_t bytes_allowed,
                const std::string& advice = "");
  std::uint64_t bytes_needed() const { return bytes_needed_; }
  std::uint64_t bytes_allowed() const { return bytes_allowed_; }

 private:
  std::uint64_t bytes_needed_;
  std::uint64_t bytes_allowed_;
};

}  // namespace tripletcheck
