// The decision checks, one anchor at a time, in float64.
#include "conformance/separation.hpp"

#include <algorithm>
#include <cmath>

namespace tripletcheck::conformance {
namespace {

struct Entry {
  double distance;
  std::int64_t sample;
};

bool too_close(const Separation& sep, double a, double b, double gap) {
  if (sep.near_ties_only) return a != b && std::fabs(a - b) <= gap;
  return gap == 0 ? a == b : std::fabs(a - b) <= gap;
}

// The two best entries by `less`: their gap decides the choice.
std::int64_t check_extreme(const Separation& sep, std::vector<Entry> entries, bool largest,
                           double gap) {
  if (entries.size() < 2) return -1;
  std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    return largest ? a.distance > b.distance : a.distance < b.distance;
  });
  if (too_close(sep, entries[0].distance, entries[1].distance, gap)) {
    return std::max(entries[0].sample, entries[1].sample);
  }
  return -1;
}

std::int64_t check_anchor(const CaseInput& in, const std::vector<double>& d, std::int64_t i,
                          const Separation& sep, std::string& why) {
  const std::int64_t b = in.batch;
  std::vector<Entry> positives, negatives, row;
  for (std::int64_t k = 0; k < b; ++k) {
    const Entry e{d[i * b + k], k};
    row.push_back(e);
    if (k == i) continue;
    (in.labels[k] == in.labels[i] ? positives : negatives).push_back(e);
    // Off-diagonal distances must stay clear of the diagonal's 0: the row-minimum fallbacks
    // and the error mask otherwise depend on rounding.
    if (too_close(sep, e.distance, 0.0, sep.selection_gap)) return why = "near-duplicate", k;
  }
  const double margin = in.spec.margin;
  if (in.spec.loss == Loss::kHard) {
    if (auto s = check_extreme(sep, positives, true, sep.selection_gap); s >= 0) {
      return why = "hardest positive", s;
    }
    if (auto s = check_extreme(sep, negatives.empty() ? row : negatives, negatives.empty(),
                               sep.selection_gap);
        s >= 0) {
      return why = "hardest negative", s;
    }
    // The chosen hardest positive and negative (with their fallbacks), and the hinge on them.
    Entry hard_positive{INFINITY, i}, hard_negative{-INFINITY, i};
    if (positives.empty()) {
      for (const auto& e : row) {
        if (e.distance < hard_positive.distance) hard_positive = e;
      }
    } else {
      hard_positive = positives[0];
      for (const auto& p : positives) {
        if (p.distance > hard_positive.distance) hard_positive = p;
      }
    }
    if (negatives.empty()) {
      for (const auto& e : row) {
        if (e.distance > hard_negative.distance) hard_negative = e;
      }
    } else {
      hard_negative = negatives[0];
      for (const auto& n : negatives) {
        if (n.distance < hard_negative.distance) hard_negative = n;
      }
    }
    const double z = hard_positive.distance - hard_negative.distance;
    const bool unseparated = in.spec.soft ? !sep.near_ties_only && std::fabs(z) >= kMaxSoftArgument
                                          : too_close(sep, z + margin, 0.0, sep.hinge_gap);
    // One element serving as both (B = 1, or no negatives: the row maximum is the farthest
    // positive) makes z exactly 0 in every precision: structural, not a rounding hazard.
    if (unseparated && hard_positive.sample != hard_negative.sample) {
      why = in.spec.soft ? "soft argument too large" : "hinge";
      if (hard_negative.sample != i) return hard_negative.sample;
      if (hard_positive.sample != i) return hard_positive.sample;
    }
    return -1;
  }
  // Semi-hard: per positive, the strict boundary, the chosen negative, the fallback, the hinge.
  if (auto s = check_extreme(sep, negatives, true, sep.selection_gap); s >= 0) {
    return why = "largest negative", s;
  }
  for (const auto& p : positives) {
    double chosen = INFINITY, runner_up = INFINITY;
    std::int64_t chosen_sample = -1, runner_up_sample = -1;
    double largest = -INFINITY;
    for (const auto& n : negatives) {
      if (too_close(sep, n.distance, p.distance, sep.selection_gap)) {
        return why = "semi-hard boundary", std::max(n.sample, p.sample);
      }
      largest = std::max(largest, n.distance);
      if (n.distance > p.distance && n.distance < chosen) {
        runner_up = chosen;
        runner_up_sample = chosen_sample;
        chosen = n.distance;
        chosen_sample = n.sample;
      } else if (n.distance > p.distance && n.distance < runner_up) {
        runner_up = n.distance;
        runner_up_sample = n.sample;
      }
    }
    if (runner_up_sample >= 0 && too_close(sep, chosen, runner_up, sep.selection_gap)) {
      return why = "semi-hard negative", std::max(chosen_sample, runner_up_sample);
    }
    const double negative = negatives.empty() ? 0.0 : (chosen_sample >= 0 ? chosen : largest);
    if (too_close(sep, margin + (p.distance - negative), 0.0, sep.hinge_gap)) {
      return why = "hinge", p.sample;
    }
  }
  return -1;
}

}  // namespace

std::vector<double> exact_distances(const CaseInput& in) {
  const std::int64_t b = in.batch, dim = in.dim;
  std::vector<double> d(static_cast<std::size_t>(b * b));
  if (in.precomputed) return in.values;
  std::vector<double> norm(static_cast<std::size_t>(b));
  for (std::int64_t i = 0; i < b; ++i) {
    double s = 0;
    for (std::int64_t k = 0; k < dim; ++k) s += in.values[i * dim + k] * in.values[i * dim + k];
    norm[i] = std::sqrt(s);
  }
  for (std::int64_t i = 0; i < b; ++i) {
    for (std::int64_t j = 0; j < b; ++j) {
      double s = 0, dot = 0;
      for (std::int64_t k = 0; k < dim; ++k) {
        const double diff = in.values[i * dim + k] - in.values[j * dim + k];
        s += diff * diff;
        dot += in.values[i * dim + k] * in.values[j * dim + k];
      }
      double v = s;
      if (in.spec.metric == Metric::kL2) v = std::sqrt(s);
      if (in.spec.metric == Metric::kAngular) {
        const double n = std::max(norm[i], 1e-6) * std::max(norm[j], 1e-6);
        v = std::max(1.0 - dot / n, 0.0);
      }
      d[i * b + j] = i == j ? 0.0 : v;
    }
  }
  return d;
}

std::int64_t first_unseparated_sample(const CaseInput& in, const std::vector<double>& distances,
                                      const Separation& separation, std::string* why) {
  std::string reason;
  for (std::int64_t i = 0; i < in.batch; ++i) {
    const std::int64_t s = check_anchor(in, distances, i, separation, reason);
    if (s >= 0) {
      if (why) *why = reason + " of anchor " + std::to_string(i);
      return s;
    }
  }
  return -1;
}

}  // namespace tripletcheck::conformance
