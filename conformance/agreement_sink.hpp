// An optional listener for the comparisons the differential properties make, so that
// `tripletcheck conform` can report the worst errors per loss variant and metric. Without a sink
// installed (the gtest suite) recording costs one thread-local read.
#pragma once

#include <string>

#include "conformance/comparison.hpp"
#include "conformance/evaluate.hpp"
#include "conformance/tolerances.hpp"

namespace tripletcheck::conformance {

// One comparison of a backend's output with what it must equal.
struct AgreementRecord {
  const CaseInput* input = nullptr;  // the case as generated (spec, batch, labels)
  Precision precision = Precision::kFloat32;  // what the backend computed in
  Quantity quantity = Quantity::kLoss;
  std::string against;  // "float64 oracle", "float32 reference", or "itself (...)"
  Agreement agreement;
  bool within = true;  // inside the tolerance the property applied
};

class AgreementSink {
 public:
  virtual ~AgreementSink() = default;
  virtual void record(const AgreementRecord& record) = 0;
};

// Installs a sink for the current thread while in scope (property bodies run on the caller's
// thread, so each conform worker sees only its own comparisons).
class ScopedAgreementSink {
 public:
  explicit ScopedAgreementSink(AgreementSink& sink);
  ~ScopedAgreementSink();
  ScopedAgreementSink(const ScopedAgreementSink&) = delete;
  ScopedAgreementSink& operator=(const ScopedAgreementSink&) = delete;

 private:
  AgreementSink* previous_;
};

// Called by the property bodies for every comparison; a no-op without a sink.
void record_agreement(const AgreementRecord& record);

}  // namespace tripletcheck::conformance
