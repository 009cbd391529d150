#include "optimized/torch/fast_graph.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <limits>

#include "optimized/torch/tfa_graph.hpp"

namespace tripletcheck::torch_backend {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// ---- 1. D without gradient ----------------------------------------------------------------

// TFA's pairwise_distance / angular_distance values, in TF's order of operations, built in place:
// about two B×B matrices at once, where tfa_distances() holds each of its ~10 intermediates until
// it returns (B = 16384: 4.1 GiB instead of 9.8 GiB for the whole call).
at::Tensor distances_without_gradient(const at::Tensor& x, Metric metric) {
  const at::NoGradGuard no_grad;
  if (metric == Metric::kAngular) {
    const at::Tensor f = tfa_l2_normalize(x);
    at::Tensor a = at::mm(f, f.t());
    return a.neg_().add_(1.0).clamp_min_(0.0);  // max(1 − F·Fᵀ, 0); diagonal not forced
  }
  const at::Tensor norms = at::square(x).sum(1, /*keepdim=*/true);
  at::Tensor d = at::add(norms, norms.t());  // (r + c) first, then − 2·G, as TF does
  d.sub_(at::mm(x, x.t()), 2.0).clamp_min_(0.0);
  // Entries with S <= 0 are 0 already; sqrt keeps them 0 (TF's 1e-16 only guards the gradient).
  if (metric == Metric::kL2) d.sqrt_();
  return d.fill_diagonal_(0.0);
}

// ---- 2. the mining, without gradient -------------------------------------------------------

struct Classes {
  at::Tensor negatives;     // B×B bool: different label
  at::Tensor positives;     // B×B bool: same label, off the diagonal
  at::Tensor has_positive;  // B bool: the anchor's class has another sample
  at::Tensor has_negative;  // B bool: some sample has another label
  bool all_have_positive = false;
  bool all_have_negative = false;
};

// The masks in two B×B passes (one comparison, one negation) and a copy, and the per-anchor
// "has any" flags from the class sizes (O(B log B)) rather than from B×B reductions: at B = 1024
// each any() over a B×B mask cost ~1 ms, as much as the mining itself.
Classes classes_of(const at::Tensor& labels) {
  const at::Tensor column = labels.reshape({-1, 1});
  Classes c;
  at::Tensor same = at::eq(column, column.t());
  c.negatives = at::logical_not(same);
  c.positives = same.fill_diagonal_(false);
  const auto [unique, inverse, counts] =
      at::_unique2(labels, /*sorted=*/true, /*return_inverse=*/true, /*return_counts=*/true);
  const at::Tensor class_size = counts.index_select(0, inverse.reshape({-1}));
  c.has_positive = at::gt(class_size, 1);
  c.has_negative = at::lt(class_size, labels.numel());
  c.all_have_positive = c.has_positive.all().item<bool>();
  c.all_have_negative = c.has_negative.all().item<bool>();
  return c;
}

// Per row: the column of the largest negative, or of the row minimum when the row has none
// (TFA's masked_maximum over the negatives and its fallback).
at::Tensor largest_negative_column(const at::Tensor& d, const Classes& c) {
  const at::Tensor largest = at::where(c.negatives, d, -kInf).argmax(1);
  if (c.all_have_negative) return largest;
  return at::where(c.has_negative, largest, d.argmin(1));
}

// Per positive pair p (row anchors[p], distance limits[p]): the column of the smallest negative
// of that row strictly greater than limits[p], or -1 when there is none. Chunks of B pairs keep
// the temporaries at about one B×B matrix.
at::Tensor outside_negative_column(const at::Tensor& d, const Classes& c, const at::Tensor& anchors,
                                   const at::Tensor& limits) {
  const std::int64_t b = d.size(0);
  const std::int64_t pairs = anchors.size(0);
  at::Tensor column = at::empty({pairs}, anchors.options());
  for (std::int64_t start = 0; start < pairs; start += b) {
    const std::int64_t stop = std::min(pairs, start + b);
    const at::Tensor rows = anchors.slice(0, start, stop);
    const at::Tensor candidates = d.index_select(0, rows);
    const at::Tensor farther =
        at::logical_and(c.negatives.index_select(0, rows),
                        at::gt(candidates, limits.slice(0, start, stop).unsqueeze(1)));
    // The smallest farther negative; a row whose minimum is +Inf either has none or has only
    // overflowed (+Inf) negatives farther, which only any() can tell apart (rare: checked then).
    const auto [smallest_value, smallest] = at::where(farther, candidates, kInf).min(1);
    const at::Tensor found = at::lt(smallest_value, kInf);
    const at::Tensor unsure = at::logical_not(found).nonzero().reshape({-1});
    if (unsure.numel() > 0) found.index_put_({unsure}, farther.index_select(0, unsure).any(1));
    column.slice(0, start, stop).copy_(at::where(found, smallest, -1));
  }
  return column;
}

// The entries of D the loss uses: (anchor, positive) and (anchor, negative) per term.
struct Selection {
  at::Tensor anchors;
  at::Tensor positives;
  at::Tensor negatives;
  bool empty = false;  // semi-hard without any positive pair
};

Selection select_semihard(const at::Tensor& d, const Classes& c) {
  const at::Tensor pairs = c.positives.nonzero();  // P×2 (anchor, positive), row-major
  Selection s;
  s.anchors = pairs.select(1, 0);
  s.positives = pairs.select(1, 1);
  s.empty = pairs.size(0) == 0;
  if (s.empty) return s;
  const at::Tensor limits = d.reshape({-1}).index_select(0, s.anchors * d.size(1) + s.positives);
  const at::Tensor outside = outside_negative_column(d, c, s.anchors, limits);
  const at::Tensor inside = largest_negative_column(d, c).index_select(0, s.anchors);
  s.negatives = at::where(outside.ge(0), outside, inside);
  return s;
}

// Per anchor: the farthest positive (row minimum without one) and the closest negative (row
// maximum without one), TFA's masked_maximum / masked_minimum and their fallbacks.
Selection select_hard(const at::Tensor& d, const Classes& c) {
  Selection s;
  s.anchors = at::arange(d.size(0), c.negatives.options().dtype(at::kLong));
  s.positives = at::where(c.positives, d, -kInf).argmax(1);
  if (!c.all_have_positive) s.positives = at::where(c.has_positive, s.positives, d.argmin(1));
  s.negatives = at::where(c.negatives, d, kInf).argmin(1);
  if (!c.all_have_negative) s.negatives = at::where(c.has_negative, s.negatives, d.argmax(1));
  return s;
}

// ---- 3. the loss on the chosen entries, with gradient --------------------------------------

// D[rows[p], cols[p]] recomputed from the input with TFA's formulas (its error mask and 1e-16
// included, so duplicates give 0 with a zero gradient), differentiable.
at::Tensor entries(const at::Tensor& input, bool precomputed, Metric metric, const at::Tensor& rows,
                   const at::Tensor& cols) {
  if (precomputed) return input.reshape({-1}).index_select(0, rows * input.size(1) + cols);
  if (metric == Metric::kAngular) {
    const at::Tensor f = tfa_l2_normalize(input);
    const at::Tensor dot = (f.index_select(0, rows) * f.index_select(0, cols)).sum(1);
    return at::clamp_min(at::rsub(dot, 1.0), 0.0);
  }
  const at::Tensor norms = at::square(input).sum(1);
  const at::Tensor dot = (input.index_select(0, rows) * input.index_select(0, cols)).sum(1);
  const at::Tensor raw =
      at::add(norms.index_select(0, rows), norms.index_select(0, cols)) - at::mul(dot, 2.0);
  const at::Tensor squared = at::clamp_min(raw, 0.0);
  const at::Tensor error = at::logical_or(at::le(squared, 0.0), at::eq(rows, cols));
  const at::Tensor kept = at::logical_not(error).to(input.scalar_type());
  if (metric == Metric::kSquaredL2) return squared * kept;
  return at::sqrt(squared + error.to(input.scalar_type()) * 1e-16) * kept;
}

// The chosen entries for the loss, differentiable. Their values are D's (`d`, float32 for float32
// inputs: TF's overflow, rsqrt(Inf) = 0 and GEMM rounding included, the very values the mining
// compared) but their derivative is taken in float64: autograd's index_select backward sums each
// row's many contributions one after the other, which in float32 loses up to ~3× the accuracy of
// TF's GEMM-shaped backward (seen as a 3.5e-5 relative gradient error, against the float32 bound
// 2^-15). The cost is O((P + B)·D) once, in float64.
at::Tensor chosen_entries(const at::Tensor& input, const at::Tensor& d, bool precomputed,
                          Metric metric, const at::Tensor& rows, const at::Tensor& cols) {
  if (input.scalar_type() != at::kFloat) return entries(input, precomputed, metric, rows, cols);
  at::Tensor value;
  {
    const at::NoGradGuard no_grad;
    value = d.reshape({-1}).index_select(0, rows * d.size(1) + cols).to(at::kDouble);
  }
  const at::Tensor accurate = entries(input.to(at::kDouble), precomputed, metric, rows, cols);
  // `value` to within a double rounding (exactly, where the two are within a factor of 2), with
  // the derivative of `accurate`.
  return accurate + (value - accurate).detach();
}

// TFA's literal log1p(exp(z)): exp in the input's precision overflows where TF's does (z ≈ 88.7
// in float32). The log1p runs in float64 because LibTorch's float32 log1p (SLEEF) returns +Inf
// for every argument above 1e38, i.e. from z ≈ 87.5 (torch-tfa keeps that, as a port would).
at::Tensor soft_term(const at::Tensor& z) {
  const at::Tensor e = at::exp(z);
  if (e.scalar_type() == at::kDouble) return at::log1p(e);
  return at::log1p(e.to(at::kDouble)).to(e.scalar_type());
}

}  // namespace

FastLoss fast_loss(const at::Tensor& input, bool precomputed, const at::Tensor& labels,
                   const LossSpec& spec) {
  Selection s;
  at::Tensor d;
  {
    const at::NoGradGuard no_grad;
    d = precomputed ? input.detach() : distances_without_gradient(input, spec.metric);
    // Computed, D has no −Inf (clamped at 0), so its sum is NaN exactly when an entry is: one
    // pass and no B×B bool mask. A caller's D may hold −Inf beside +Inf.
    const at::Tensor nan = precomputed ? at::isnan(d).any() : at::isnan(d.sum());
    if (nan.item<bool>()) return {{}, true};
    const Classes c = classes_of(labels);
    s = spec.loss == Loss::kSemiHard ? select_semihard(d, c) : select_hard(d, c);
  }
  if (s.empty) return {{}, true};
  // Each term is rounded to the input's type before the mean, which sums in that type as TF's
  // reduction does (a float32 sum of terms near 1e37 overflows to Inf there too).
  const at::ScalarType type = input.scalar_type();
  // Positives and negatives in one pass: half the (small) LibTorch calls.
  const std::int64_t terms = s.anchors.size(0);
  const at::Tensor both =
      chosen_entries(input, d, precomputed, spec.metric, at::cat({s.anchors, s.anchors}),
                     at::cat({s.positives, s.negatives}));
  const at::Tensor positive_d = both.slice(0, 0, terms);
  const at::Tensor negative_d = both.slice(0, terms, 2 * terms);
  // Semi-hard: margin + (D[i,j] − D[i,k]) hinged, over the P ordered positive pairs.
  // Hard: hinged or soft z = hard_pos − hard_neg, averaged over all B anchors. The hinge uses
  // clamp_min, which passes the gradient at exactly 0 as TF's maximum does.
  // Where the two are the same entry (a fallback landed on the hardest positive, as in a
  // single-class batch), TF's +g and −g meet on one element and cancel exactly: z is exactly 0
  // with no gradient, rather than two gradient paths whose sums round differently.
  const at::Tensor same = at::eq(s.positives, s.negatives);
  const at::Tensor z = at::where(same, at::zeros_like(positive_d), positive_d - negative_d);
  if (spec.loss == Loss::kSemiHard) {
    return {at::clamp_min(z + spec.margin, 0.0).to(type).mean(), false};
  }
  if (!spec.soft) return {at::clamp_min(z + spec.margin, 0.0).to(type).mean(), false};
  // exp(z) in the input's precision, so that it overflows where TF's does.
  return {soft_term(z.to(type)).mean(), false};
}

}  // namespace tripletcheck::torch_backend
