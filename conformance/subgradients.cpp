// The terms of the loss with their tied candidates, in dLoss/dD, then through TF's distance
// backward to the inputs; and the distance of a gradient to the resulting set.
#include "conformance/subgradients.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include "conformance/scales.hpp"
#include "reference/distances.hpp"
#include "reference/labels.hpp"
#include "reference/masked_reductions.hpp"

namespace tripletcheck::conformance {
namespace {

using reference::Direction;
using reference::Matrix;

// A gradient with respect to D: (row-major entry, weight) pairs, summed where entries repeat.
using DGradient = std::vector<std::pair<std::int64_t, double>>;

DGradient operator+(DGradient a, const DGradient& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Entries merged and sorted, zeros dropped: two candidates are the same when this is equal.
DGradient canonical(DGradient g) {
  std::sort(g.begin(), g.end());
  DGradient out;
  for (const auto& [entry, weight] : g) {
    if (!out.empty() && out.back().first == entry) {
      out.back().second += weight;
    } else {
      out.emplace_back(entry, weight);
    }
  }
  out.erase(std::remove_if(out.begin(), out.end(), [](const auto& e) { return e.second == 0; }),
            out.end());
  return out;
}

// The distances TF's float32 graph decides on (the reference's float32 forward, subnormals
// flushed), and how far a float32 distance can be from the exact one (scales.hpp): two distances
// within that of each other may compare either way in another float32 evaluation order, so both
// are candidates of the decision. Exact ties that rounding split in TF's float32, and TF's own
// float32 ties, are then all ties; a precomputed matrix is read as given, so there they are exact.
struct Decisions {
  Matrix<double> d;
  double noise = 0;  // on a distance (squared-L2, angular); on the squared distance for L2
  bool l2 = false;

  explicit Decisions(const CaseInput& input) : d(input.batch, input.batch) {
    if (input.precomputed) {
      d.values = input.values;
      return;
    }
    Matrix<float> x(input.batch, input.dim);
    for (std::size_t k = 0; k < input.values.size(); ++k) {
      x.values[k] = static_cast<float>(input.values[k]);
    }
    const reference::FlushDenormalsGuard flush(true);
    const auto tape = reference::distance_forward(x, input.spec.metric);
    for (std::size_t k = 0; k < d.values.size(); ++k) d.values[k] = tape.distances.values[k];
    l2 = input.spec.metric == Metric::kL2;
    noise = distance_noise_bound(input);
    if (l2) noise *= noise;  // the bound on S = d², of which the sqrt is taken
  }

  // The noise of a float32 distance near v: for L2 the sqrt divides the noise on S by 2·v.
  double noise_at(double v) const {
    if (!l2) return noise;
    return v > 0 ? std::min(std::sqrt(noise), noise / (2 * v)) : std::sqrt(noise);
  }
  bool tied(double a, double b) const { return std::fabs(a - b) <= noise_at(a) + noise_at(b); }
};

// The candidates of one masked reduction of row `i` (masked_maximum or masked_minimum, §2),
// each times `g`: one per winner, or distance tied with it, of the value it computes (the masked-in
// extreme; with an empty mask, the row's opposite extreme, §5.3.5), and TF's own split with its
// shift leak (§5.3.4), which is a candidate of its own because it can leave the hull of the
// winners.
std::vector<DGradient> reduction_candidates(Direction dir, const Decisions& on,
                                            const Matrix<double>& mask, std::int64_t i, double g) {
  const std::int64_t n = on.d.cols;
  const double* row = on.d.row(i);
  const double* in = mask.row(i);
  const bool empty = std::none_of(in, in + n, [](double m) { return m != 0; });
  const Direction value_of =
      empty ? (dir == Direction::kMaximum ? Direction::kMinimum : Direction::kMaximum) : dir;
  const auto counts = [&](std::int64_t k) { return empty || in[k] != 0; };
  double best = 0;
  bool found = false;
  for (std::int64_t k = 0; k < n; ++k) {
    if (!counts(k)) continue;
    const bool better = value_of == Direction::kMaximum ? row[k] > best : row[k] < best;
    if (!found || better) best = row[k];
    found = true;
  }
  std::vector<DGradient> out;
  for (std::int64_t k = 0; k < n; ++k) {
    if (counts(k) && on.tied(row[k], best)) out.push_back({{i * n + k, g}});
  }
  // TF's graph with another rule at ties (a port of it whose reduce_max gives a tie to one
  // element): where the masked-in winner is tied with the shift, its product ties with the
  // masked-out zeros, and a masked-out choice sends everything through the shift to one of the
  // row's extremes (§5.3.4). TF's even split is the mean of these corners.
  const double shift = reference::detail::row_shift(dir, row, n);
  const bool masked_out = std::any_of(in, in + n, [](double m) { return m == 0; });
  if (!empty && masked_out && on.tied(best, shift)) {
    for (std::int64_t k = 0; k < n; ++k) {
      if (on.tied(row[k], shift)) out.push_back({{i * n + k, g}});
    }
  }
  std::vector<double> split(static_cast<std::size_t>(n), 0.0);
  reference::masked_extreme_backward(dir, row, in, n, g, split.data());
  DGradient tf;
  for (std::int64_t k = 0; k < n; ++k) {
    if (split[k] != 0) tf.emplace_back(i * n + k, split[k]);
  }
  out.push_back(tf);
  return out;
}

// Every pairing of one candidate of `a` with one of `b` (both reductions of one term).
std::vector<DGradient> pairings(const std::vector<DGradient>& a, const std::vector<DGradient>& b) {
  std::vector<DGradient> out;
  for (const auto& x : a) {
    for (const auto& y : b) out.push_back(x + y);
  }
  return out;
}

// The loss's terms as candidate lists in dLoss/dD; a term without a tie has one candidate.
std::optional<std::vector<std::vector<DGradient>>> terms_on_distances(const CaseInput& input,
                                                                      const Decisions& on) {
  const std::int64_t b = input.batch;
  const Matrix<double>& d = on.d;
  if (!std::all_of(d.values.begin(), d.values.end(), [](double v) { return std::isfinite(v); })) {
    return std::nullopt;
  }
  const auto masks = reference::label_masks<double>(input.labels.data(), b);
  const double margin = input.spec.margin;
  std::vector<std::vector<DGradient>> terms;
  if (input.spec.loss == Loss::kHard) {
    const double w = 1.0 / static_cast<double>(b);
    for (std::int64_t i = 0; i < b; ++i) {
      const double positive =
          reference::masked_extreme(Direction::kMaximum, d.row(i), masks.positive.row(i), b);
      const double negative =
          reference::masked_extreme(Direction::kMinimum, d.row(i), masks.negative.row(i), b);
      const double z = positive - negative;
      const bool hinge_tied =
          std::fabs(z + margin) <= on.noise_at(positive) + on.noise_at(negative);
      double weight = w;
      if (input.spec.soft) {
        weight = w / (1 + std::exp(-z));  // softplus' = sigmoid: smooth, never a tie
      } else if (z + margin < 0 && !hinge_tied) {
        continue;
      }
      const auto ups = reduction_candidates(Direction::kMaximum, on, masks.positive, i, weight);
      const auto downs = reduction_candidates(Direction::kMinimum, on, masks.negative, i, -weight);
      if (!input.spec.soft && hinge_tied) {
        // The hinge at 0: any fraction of the term, so its hull also holds the zero gradient.
        auto both = pairings(ups, downs);
        both.emplace_back();
        terms.push_back(std::move(both));
      } else {
        terms.push_back(ups);  // the two reductions choose independently
        terms.push_back(downs);
      }
    }
    return terms;
  }
  double positive_pairs = 0;
  for (double m : masks.positive.values) positive_pairs += m;
  if (positive_pairs == 0) return std::nullopt;  // NaN loss: no choice to make
  const double w = 1.0 / positive_pairs;
  Matrix<double> outside(b, b);
  for (std::int64_t i = 0; i < b; ++i) {
    for (std::int64_t j = 0; j < b; ++j) {
      if (masks.positive(i, j) == 0) continue;
      bool any_outside = false;
      for (std::int64_t k = 0; k < b; ++k) {
        outside(i, k) = masks.negative(i, k) != 0 && d(i, k) > d(i, j) ? 1.0 : 0.0;
        any_outside = any_outside || outside(i, k) != 0;
      }
      const auto negatives =
          any_outside ? reduction_candidates(Direction::kMinimum, on, outside, i, -w)
                      : reduction_candidates(Direction::kMaximum, on, masks.negative, i, -w);
      const double negative =
          any_outside
              ? reference::masked_extreme(Direction::kMinimum, d.row(i), outside.row(i), b)
              : reference::masked_extreme(Direction::kMaximum, d.row(i), masks.negative.row(i), b);
      const double hinge = margin + (d(i, j) - negative);
      const bool hinge_tied = std::fabs(hinge) <= on.noise_at(d(i, j)) + on.noise_at(negative);
      if (hinge < 0 && !hinge_tied) continue;
      std::vector<DGradient> term = pairings({{{i * b + j, w}}}, negatives);
      if (hinge_tied) term.emplace_back();
      terms.push_back(std::move(term));
    }
  }
  return terms;
}

}  // namespace

std::optional<TieSubdifferential> tie_subdifferential(const CaseInput& input) {
  const Decisions on(input);
  const auto terms = terms_on_distances(input, on);
  if (!terms) return std::nullopt;
  const std::int64_t b = input.batch;

  // dLoss/dD to the gradient the case's inputs receive: TF's distance backward in float64.
  Matrix<double> x(b, input.dim);
  x.values = input.values;
  reference::DistanceTape<double> tape;
  if (!input.precomputed) tape = reference::distance_forward(x, input.spec.metric);
  const auto to_inputs = [&](const DGradient& g) {
    Matrix<double> grad_d(b, b);
    for (const auto& [entry, weight] : g) grad_d.values[static_cast<std::size_t>(entry)] += weight;
    if (input.precomputed) return grad_d.values;
    return reference::distance_backward(x, tape, grad_d).values;
  };

  TieSubdifferential set;
  DGradient fixed;
  for (const auto& term : *terms) {
    std::vector<DGradient> distinct;
    for (const auto& candidate : term) {
      DGradient c = canonical(candidate);
      if (std::find(distinct.begin(), distinct.end(), c) == distinct.end()) {
        distinct.push_back(std::move(c));
      }
    }
    if (distinct.size() == 1) {
      fixed = fixed + distinct.front();
      continue;
    }
    std::vector<std::vector<double>> candidates;
    for (const auto& c : distinct) candidates.push_back(to_inputs(c));
    set.terms.push_back(std::move(candidates));
  }
  set.fixed = to_inputs(fixed);
  return set;
}

double distance_to_subdifferential(const std::vector<double>& gradient,
                                   const TieSubdifferential& set, double enough) {
  const std::size_t n = gradient.size();
  if (set.fixed.size() != n) return INFINITY;
  for (const auto& term : set.terms) {
    for (const auto& v : term) {
      if (v.size() != n) return INFINITY;
    }
  }
  std::vector<std::size_t> rows;  // the finite entries of the gradient are compared
  for (std::size_t k = 0; k < n; ++k) {
    if (std::isfinite(gradient[k])) rows.push_back(k);
  }
  const auto entry = [](std::size_t k) { return static_cast<Eigen::Index>(k); };

  // Least squares over one simplex per term, by a primal active-set method: each term has a
  // support (candidates in use) and weights on it summing to 1. Solve exactly on the face the
  // supports span; if that leaves the simplices, step to the boundary and drop the candidates
  // that reach 0; else add the candidate whose direction the residual favours most, until none
  // does. Every iterate is a point of the set, so a distance <= enough is a witness.
  const std::size_t terms = set.terms.size();
  std::vector<std::vector<double>> weight(terms);
  std::vector<std::vector<std::size_t>> support(terms);
  for (std::size_t t = 0; t < terms; ++t) {
    weight[t].assign(set.terms[t].size(), 0.0);
    weight[t][0] = 1;
    support[t] = {0};
  }
  const auto residual = [&] {
    std::vector<double> r(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) r[i] = gradient[rows[i]] - set.fixed[rows[i]];
    for (std::size_t t = 0; t < terms; ++t) {
      for (std::size_t c : support[t]) {
        for (std::size_t i = 0; i < rows.size(); ++i) {
          r[i] -= weight[t][c] * set.terms[t][c][rows[i]];
        }
      }
    }
    return r;
  };
  const auto max_norm = [](const std::vector<double>& r) {
    double m = 0;
    for (double x : r) m = std::max(m, std::fabs(x));
    return m;
  };
  double scale = 0;  // the largest entry: the residual's own rounding is relative to it
  for (const auto& term : set.terms) {
    for (const auto& v : term) {
      for (std::size_t k : rows) scale = std::max(scale, std::fabs(v[k]));
    }
  }
  for (std::size_t k : rows) scale = std::max(scale, std::fabs(gradient[k]));

  std::vector<std::vector<bool>> refused(terms);  // entered and left at once: a rounding cycle
  for (std::size_t t = 0; t < terms; ++t) refused[t].assign(set.terms[t].size(), false);
  std::size_t limit = 100;
  for (const auto& term : set.terms) limit += 20 * term.size();
  for (std::size_t iteration = 0; iteration < limit; ++iteration) {
    // 1. The optimum on the face: the first supported candidate of each term at weight 1, moved
    // by y along the differences to the others (so the sums stay exactly 1).
    std::vector<std::pair<std::size_t, std::size_t>> moves;  // (term, candidate)
    std::vector<double> start = set.fixed;
    for (std::size_t t = 0; t < terms; ++t) {
      const auto& first = set.terms[t][support[t].front()];
      for (std::size_t k = 0; k < n; ++k) start[k] += first[k];
      for (std::size_t s = 1; s < support[t].size(); ++s) moves.emplace_back(t, support[t][s]);
    }
    std::vector<std::vector<double>> target(terms);
    for (std::size_t t = 0; t < terms; ++t) {
      target[t].assign(set.terms[t].size(), 0.0);
      target[t][support[t].front()] = 1;
    }
    if (!moves.empty()) {
      Eigen::MatrixXd directions(entry(rows.size()), entry(moves.size()));
      Eigen::VectorXd rest(entry(rows.size()));
      for (std::size_t i = 0; i < rows.size(); ++i)
        rest(entry(i)) = gradient[rows[i]] - start[rows[i]];
      for (std::size_t m = 0; m < moves.size(); ++m) {
        const auto [t, c] = moves[m];
        const auto& to = set.terms[t][c];
        const auto& from = set.terms[t][support[t].front()];
        for (std::size_t i = 0; i < rows.size(); ++i) {
          directions(entry(i), entry(m)) = to[rows[i]] - from[rows[i]];
        }
      }
      const Eigen::VectorXd y = directions.colPivHouseholderQr().solve(rest);
      for (std::size_t m = 0; m < moves.size(); ++m) {
        const auto [t, c] = moves[m];
        target[t][c] += y(entry(m));
        target[t][support[t].front()] -= y(entry(m));
      }
    }
    // 2. Outside the simplices: go as far towards it as they allow, drop who reaches 0.
    double step = 1;
    for (std::size_t t = 0; t < terms; ++t) {
      for (std::size_t c : support[t]) {
        if (target[t][c] < 0) step = std::min(step, weight[t][c] / (weight[t][c] - target[t][c]));
      }
    }
    for (std::size_t t = 0; t < terms; ++t) {
      for (std::size_t c : support[t]) weight[t][c] += step * (target[t][c] - weight[t][c]);
    }
    if (step < 1) {
      // Weights sum to 1 per term: one below 1e-14 is the boundary reached up to rounding (a
      // weight of 1e-320 would otherwise block every later step at a length of 0).
      constexpr double kZeroWeight = 1e-14;
      for (std::size_t t = 0; t < terms; ++t) {
        std::vector<std::size_t> kept;
        for (std::size_t c : support[t]) {
          if (weight[t][c] > kZeroWeight)
            kept.push_back(c);
          else if (step == 0)
            refused[t][c] = true;
        }
        if (kept.empty()) {  // the term keeps its largest weight: a simplex is never empty
          std::size_t best = support[t].front();
          for (std::size_t c : support[t]) {
            if (weight[t][c] > weight[t][best]) best = c;
          }
          kept = {best};
        }
        for (std::size_t c : support[t]) {
          if (std::find(kept.begin(), kept.end(), c) == kept.end()) weight[t][c] = 0;
        }
        support[t] = kept;
        double sum = 0;
        for (std::size_t c : kept) sum += weight[t][c] = std::max(weight[t][c], 0.0);
        for (std::size_t c : kept) weight[t][c] = sum > 0 ? weight[t][c] / sum : 1.0 / kept.size();
      }
      continue;
    }
    for (auto& r : refused) std::fill(r.begin(), r.end(), false);
    const std::vector<double> r = residual();
    if (max_norm(r) <= enough) return max_norm(r);
    // 3. Pricing: the candidate outside its term's support that the residual favours most
    // over the support (which the optimum on the face favours equally).
    // A gain counts above the rounding of its own dot product (relative to the lengths of the
    // direction and of the residual, whose entries round relative to the largest entry).
    double r_norm = 0;
    for (double x : r) r_norm += x * x;
    r_norm = std::sqrt(r_norm);
    double best_gain = 0;
    std::size_t best_term = terms, best_candidate = 0;
    for (std::size_t t = 0; t < terms; ++t) {
      const auto& in_use = set.terms[t][support[t].front()];
      for (std::size_t c = 0; c < set.terms[t].size(); ++c) {
        if (refused[t][c] ||
            std::find(support[t].begin(), support[t].end(), c) != support[t].end()) {
          continue;
        }
        double gain = 0, length = 0;
        for (std::size_t i = 0; i < rows.size(); ++i) {
          const double d = set.terms[t][c][rows[i]] - in_use[rows[i]];
          gain += d * r[i];
          length += d * d;
        }
        const double noise = std::sqrt(length) * (1e-12 * r_norm + 1e-13 * scale);
        if (gain > noise && gain > best_gain) best_gain = gain, best_term = t, best_candidate = c;
      }
    }
    if (best_term == terms) break;  // optimal
    support[best_term].push_back(best_candidate);
  }
  return max_norm(residual());
}

}  // namespace tripletcheck::conformance
