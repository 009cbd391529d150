// Backend names on the command line: a registered backend ("reference"), an external program
// ("exec:COMMAND"), or a mutant of the mutation check ("mutant:NAME"). Owns what it builds.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "conformance/run/exec_backend.hpp"
#include "tripletcheck/backend.hpp"

namespace tripletcheck::conformance {

class BackendSet {
 public:
  BackendSet() = default;
  explicit BackendSet(ExecOptions exec) : exec_(exec) {}
  // Throws InvalidArgument for an unknown name, Unavailable for a backend that cannot run here.
  const Backend& add(const std::string& name);
  // Every available registered backend.
  void add_available();
  const std::vector<const Backend*>& backends() const { return list_; }

 private:
  ExecOptions exec_;
  std::vector<std::unique_ptr<Backend>> owned_;
  std::vector<const Backend*> list_;
};

bool is_exec_backend(const Backend& backend);
bool is_mutant_backend(const Backend& backend);
// Registered backends are the ones the gtest suite runs, so only they get an RC_PARAMS replay.
bool is_registered_backend(const Backend& backend);

}  // namespace tripletcheck::conformance
