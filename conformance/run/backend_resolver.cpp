// Name resolution for `conform` and `mutation-check`.
#include "conformance/run/backend_resolver.hpp"

#include "conformance/run/exec_backend.hpp"
#include "conformance/mutants/mutant_backend.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

}  // namespace

const Backend& BackendSet::add(const std::string& name) {
  const Backend* backend = nullptr;
  if (starts_with(name, kExecPrefix)) {
    owned_.push_back(make_exec_backend(name.substr(std::string(kExecPrefix).size()), exec_));
    backend = owned_.back().get();
  } else if (starts_with(name, mutants::kMutantPrefix)) {
    const std::string mutation = name.substr(std::string(mutants::kMutantPrefix).size());
    const auto* info = mutants::find_mutation(mutation);
    if (info == nullptr) {
      std::string known;
      for (const auto& m : mutants::all_mutations()) known += (known.empty() ? "" : ", ") + m.name;
      throw InvalidArgument("backend", name, "unknown mutant; known: " + known);
    }
    owned_.push_back(mutants::make_mutant_backend(info->mutation));
    backend = owned_.back().get();
  } else {
    backend = &find_backend(name);
    if (!backend->available()) {
      throw Unavailable("backend " + name + ": " + backend->unavailable_reason());
    }
  }
  list_.push_back(backend);
  return *backend;
}

void BackendSet::add_available() {
  for (const Backend* b : available_backends()) list_.push_back(b);
}

bool is_exec_backend(const Backend& backend) { return starts_with(backend.name(), kExecPrefix); }

bool is_mutant_backend(const Backend& backend) {
  return starts_with(backend.name(), mutants::kMutantPrefix);
}

bool is_registered_backend(const Backend& backend) {
  for (const Backend* b : registered_backends()) {
    if (b == &backend) return true;
  }
  return false;
}

}  // namespace tripletcheck::conformance
