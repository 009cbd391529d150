// The list of expected divergences from TF. Keep it short: every entry is a reason to look again.
#include "conformance/known_divergences.hpp"

#include <mutex>
#include <set>

namespace tripletcheck::conformance {
namespace {

// The float64 oracle computes in IEEE double on purpose (it is the semantics, not a
// float32 replay), so where TF's float32 overflows or flushes it does not.
const char* const kOverflow =
    "float32 overflow in TF (squared norms past ~1.8e19 become Inf, rsqrt(Inf) = 0, NaN "
    "gradients); the float64 oracle does not overflow";
const char* const kFlushToZero =
    "TF's CPU kernels flush subnormal float32 intermediates to zero (docs/SEMANTICS.md §5.6); the "
    "float64 "
    "oracle keeps them";
// The GEMM kernels of Eigen and OpenBLAS (LibTorch's BLAS here) contract a·b + c into fused
// multiply-adds; TF's CPU matmul on these shapes rounds each product first. Where squared norms
// overflow float32 (inputs ~1e20), TF gets Inf − Inf = NaN in entries where the fused form stays
// finite, so the NaN pattern of the gradient differs. Matching it would mean giving up FMA in
// the GEMM on every input.
const char* const kFusedMultiplyAdd =
    "float32 overflow: TF's unfused matmul gives Inf − Inf = NaN where a fused multiply-add GEMM "
    "(Eigen, OpenBLAS) stays finite; the NaN pattern of the gradient differs at ~1e20 inputs";
// The cuda backend, like eigen, returns NaN in the loss and every gradient entry once D holds a
// NaN; TF's own NaN pattern at overflow leaves some rows 0, and cuBLAS's SGEMM fuses
// multiply-adds like Eigen's, so matching it would take an unfused GEMM.
const char* const kAllNanAtOverflow =
    "float32 overflow: the cuda backend makes every gradient entry NaN once a distance is NaN "
    "(the all-NaN policy, as eigen); TF's unfused matmul leaves some rows 0 (3 of 8 at ~1e20)";
// LibTorch keeps subnormal float32 results (it sets no flush-to-zero mode on its threads).
const char* const kNoFlushToZero =
    "TF's CPU kernels flush subnormal float32 intermediates to zero (docs/SEMANTICS.md §5.6); "
    "LibTorch "
    "keeps them, so tiny distances and the soft loss's 1/(1+exp(z)) past z ≈ 87.3 do not vanish";
// ATen's vectorized float32 log1p is SLEEF's, which returns +Inf for arguments above 1e38.
const char* const kSleefLog1p =
    "LibTorch's float32 log1p (SLEEF) returns +Inf for arguments above 1e38, so TFA's "
    "log1p(exp(z)) overflows from z ≈ 87.50 in LibTorch, not from z ≈ 88.72 as in TF";
const char* const kSoftOverflow =
    "exp(z) overflows float32 past z ≈ 88.7 (Inf loss, NaN gradient) and 1/(1+exp(z)) flushes "
    "to 0 past z ≈ 87.3; both are finite in float64";

constexpr const char kTraitPrefix[] = "trait:";

struct TraitName {
  const char* name;
  bool NumericTraits::*flag;
  // What a port with this trait can do about the artifact: match TF, or declare the trait.
  const char* fix;
};
constexpr TraitName kTraitNames[] = {
    {"float64_internal", &NumericTraits::float64_internal,
     "compute in float32 as TF does (no .double() inside the loss), or declare the trait "
     "float64_internal in the capabilities to accept TF's float32 overflow and flushing as "
     "known"},
    {"no_flush_to_zero", &NumericTraits::no_flush_to_zero,
     "flush subnormals to zero as TF's CPU kernels do (PyTorch: torch.set_flush_denormal(True); "
     "C++: the MXCSR FTZ/DAZ bits), or declare the trait no_flush_to_zero"},
    {"fused_multiply_add", &NumericTraits::fused_multiply_add,
     "only the NaN/Inf pattern at float32 overflow differs: declare the trait fused_multiply_add "
     "(matching TF would mean an unfused GEMM)"},
    {"log1p_overflow", &NumericTraits::log1p_overflow,
     "use a softplus that does not overflow below z ≈ 88.7 (TF's log1p(exp(z))), or declare the "
     "trait log1p_overflow"},
};

// Whether an entry is about this comparison, whoever its subject.
bool covers(const KnownDivergence& e, Precision precision, const std::string& category,
            const std::string& variant, Quantity quantity) {
  return e.precision == precision && e.category == category && e.quantity == quantity &&
         (e.variant == "*" || e.variant == variant);
}

bool declares(const NumericTraits& traits, const std::string& subject) {
  if (subject.rfind(kTraitPrefix, 0) != 0) return false;
  const std::string name = subject.substr(sizeof kTraitPrefix - 1);
  for (const auto& t : kTraitNames) {
    if (name == t.name) return traits.*t.flag;
  }
  return false;
}

std::mutex used_mutex;
std::set<const KnownDivergence*> used;

std::vector<KnownDivergence> make_entries() {
  std::vector<KnownDivergence> entries;
  // Every float64 implementation, by design: the float64 path is the semantics in IEEE double.
  for (const char* subject :
       {"reference", "eigen", "torch", "torch-tfa", "torch-cuda", "torch-tfa-cuda"}) {
    entries.push_back(
        {subject, Precision::kFloat64, "large_magnitude", "*", Quantity::kLoss, kOverflow});
    entries.push_back(
        {subject, Precision::kFloat64, "large_magnitude", "*", Quantity::kGradient, kOverflow});
    entries.push_back(
        {subject, Precision::kFloat64, "tiny_magnitude", "*", Quantity::kGradient, kFlushToZero});
    entries.push_back({subject, Precision::kFloat64, "soft_overflow", "hard-soft", Quantity::kLoss,
                       kSoftOverflow});
    entries.push_back({subject, Precision::kFloat64, "soft_overflow", "hard-soft",
                       Quantity::kGradient, kSoftOverflow});
  }
  // Machine-dependent ("may appear"): whether a GEMM kernel fuses depends on the kernel the BLAS
  // picks for the CPU at run time (a fresh machine once reported torch-tfa's entry stale), and
  // LibTorch's subnormal results and log1p on which vector unit its kernels dispatch to.
  for (const char* subject : {"eigen", "torch", "torch-tfa"}) {
    entries.push_back({subject, Precision::kFloat32, "large_magnitude", "*", Quantity::kGradient,
                       kFusedMultiplyAdd, true});
  }
  entries.push_back({"cuda", Precision::kFloat32, "large_magnitude", "*", Quantity::kGradient,
                     kAllNanAtOverflow});
  for (const char* subject : {"torch", "torch-tfa"}) {
    entries.push_back({subject, Precision::kFloat32, "tiny_magnitude", "*", Quantity::kGradient,
                       kNoFlushToZero, true});
    entries.push_back({subject, Precision::kFloat32, "soft_overflow", "hard-soft",
                       Quantity::kGradient, kNoFlushToZero, true});
  }
  entries.push_back({"torch-tfa", Precision::kFloat32, "soft_overflow", "hard-soft",
                     Quantity::kLoss, kSleefLog1p, true});

  // The same divergences for any backend that declares the trait (an exec program's
  // capabilities, tools/EXEC_PROTOCOL.md), in the float32 it was given. A trait only may show:
  // a program declaring it is not required to hit every entry.
  const auto trait = [&entries](const char* name, const char* category, const char* variant,
                                Quantity quantity, const char* reason) {
    entries.push_back({std::string(kTraitPrefix) + name, Precision::kFloat32, category, variant,
                       quantity, reason, true});
  };
  for (const Quantity q : {Quantity::kLoss, Quantity::kGradient}) {
    trait("float64_internal", "large_magnitude", "*", q, kOverflow);
    trait("float64_internal", "soft_overflow", "hard-soft", q, kSoftOverflow);
  }
  trait("float64_internal", "tiny_magnitude", "*", Quantity::kGradient, kFlushToZero);
  trait("no_flush_to_zero", "tiny_magnitude", "*", Quantity::kGradient, kNoFlushToZero);
  trait("no_flush_to_zero", "soft_overflow", "hard-soft", Quantity::kGradient, kNoFlushToZero);
  // Angular at ~1e19: the rsqrt gradient's y³ (~1e-57) underflows; TF flushes the subnormal
  // intermediates, a port keeping them gets gradients of ~1e-20 that differ by half
  // (large_1e19_semihard_angular, found by the failure classification's test).
  trait("no_flush_to_zero", "large_magnitude", "*", Quantity::kGradient, kNoFlushToZero);
  trait("fused_multiply_add", "large_magnitude", "*", Quantity::kGradient, kFusedMultiplyAdd);
  trait("log1p_overflow", "soft_overflow", "hard-soft", Quantity::kLoss, kSleefLog1p);
  return entries;
}

}  // namespace

const std::vector<KnownDivergence>& known_divergences() {
  static const std::vector<KnownDivergence> entries = make_entries();
  return entries;
}

const KnownDivergence* find_trait_divergence(const std::string& trait, Precision precision,
                                             const std::string& category,
                                             const std::string& variant, Quantity quantity) {
  const std::string subject = kTraitPrefix + trait;
  for (const auto& e : known_divergences()) {
    if (e.subject == subject && covers(e, precision, category, variant, quantity)) return &e;
  }
  return nullptr;
}

std::string trait_fix(const std::string& trait) {
  for (const auto& t : kTraitNames) {
    if (trait == t.name) return t.fix;
  }
  return {};
}

bool set_numeric_trait(NumericTraits& traits, const std::string& name) {
  for (const auto& t : kTraitNames) {
    if (name == t.name) {
      traits.*t.flag = true;
      return true;
    }
  }
  return false;
}

std::vector<std::string> numeric_trait_names() {
  std::vector<std::string> out;
  for (const auto& t : kTraitNames) out.emplace_back(t.name);
  return out;
}

std::vector<std::string> declared_traits(const NumericTraits& traits) {
  std::vector<std::string> out;
  for (const auto& t : kTraitNames) {
    if (traits.*t.flag) out.emplace_back(t.name);
  }
  return out;
}

const KnownDivergence* find_known_divergence(const std::string& subject,
                                             const NumericTraits& traits, Precision precision,
                                             const std::string& category,
                                             const std::string& variant, Quantity quantity) {
  for (const auto& e : known_divergences()) {
    if ((e.subject == subject || declares(traits, e.subject)) &&
        covers(e, precision, category, variant, quantity)) {
      const std::lock_guard<std::mutex> lock(used_mutex);
      used.insert(&e);
      return &e;
    }
  }
  return nullptr;
}

std::vector<KnownDivergence> unused_known_divergences() {
  const std::lock_guard<std::mutex> lock(used_mutex);
  std::vector<KnownDivergence> out;
  for (const auto& e : known_divergences()) {
    if (used.count(&e) == 0 && !e.may_appear) out.push_back(e);
  }
  return out;
}

std::string divergence_key(const KnownDivergence& e) {
  return e.subject + "/" + to_string(e.precision) + "/" + e.category + "/" + e.variant + "/" +
         to_string(e.quantity);
}

const KnownDivergence* find_known_divergence_by_key(const std::string& key) {
  for (const auto& e : known_divergences()) {
    if (divergence_key(e) == key) return &e;
  }
  return nullptr;
}

}  // namespace tripletcheck::conformance
