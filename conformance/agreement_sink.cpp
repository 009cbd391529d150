// The thread-local sink behind record_agreement.
#include "conformance/agreement_sink.hpp"

namespace tripletcheck::conformance {
namespace {

thread_local AgreementSink* current_sink = nullptr;

}  // namespace

ScopedAgreementSink::ScopedAgreementSink(AgreementSink& sink) : previous_(current_sink) {
  current_sink = &sink;
}

ScopedAgreementSink::~ScopedAgreementSink() { current_sink = previous_; }

void record_agreement(const AgreementRecord& record) {
  if (current_sink != nullptr) current_sink->record(record);
}

}  // namespace tripletcheck::conformance
