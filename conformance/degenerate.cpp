// The degenerate-batch generator: a lattice case, then made degenerate on purpose.
#include <cmath>
#include <random>

#include "conformance/generators.hpp"

namespace tripletcheck::conformance {

std::string to_string(Degeneracy degeneracy) {
  switch (degeneracy) {
    case Degeneracy::kLatticeTies:
      return "lattice ties";
    case Degeneracy::kDuplicates:
      return "duplicates";
    case Degeneracy::kZeroRows:
      return "zero rows";
    case Degeneracy::kOverflow:
      return "float32 overflow";
    case Degeneracy::kLargeScale:
      return "scale 2^30";
  }
  return "?";
}

rc::Gen<DegenerateCase> gen_degenerate_case(std::int64_t max_batch, std::int64_t max_dim,
                                            std::vector<LossSpec> variants) {
  return rc::gen::exec([max_batch, max_dim, variants] {
    DegenerateCase c;
    c.degeneracy =
        *rc::gen::element(Degeneracy::kLatticeTies, Degeneracy::kDuplicates, Degeneracy::kZeroRows,
                          Degeneracy::kOverflow, Degeneracy::kLargeScale);
    GeneratorOptions o;
    o.max_batch = max_batch;
    o.max_dim = max_dim;
    for (const auto& v : variants.empty() ? all_variants() : variants) {
      if (v.metric != Metric::kAngular) o.variants.push_back(v);
    }
    // ±2 units: squared distances take few distinct values, so ties are everywhere.
    if (c.degeneracy == Degeneracy::kLatticeTies) o.max_coordinate = 2;
    c.base = *gen_generic_case_unseparated(o);
    CaseInput& in = c.base.input;
    std::mt19937_64 rng(c.base.seed + 1);
    std::uniform_int_distribution<std::int64_t> row(0, in.batch - 1);
    const auto copy_row = [&](std::int64_t from, std::int64_t to) {
      for (std::int64_t k = 0; k < in.dim; ++k)
        in.values[to * in.dim + k] = in.values[from * in.dim + k];
    };
    switch (c.degeneracy) {
      case Degeneracy::kLatticeTies:
        break;
      case Degeneracy::kDuplicates:
        for (std::int64_t n = 0; n < std::max<std::int64_t>(1, in.batch / 4); ++n)
          copy_row(row(rng), row(rng));
        break;
      case Degeneracy::kZeroRows:
        for (std::int64_t n = 0; n < std::max<std::int64_t>(1, in.batch / 4); ++n) {
          const std::int64_t r = row(rng);
          for (std::int64_t k = 0; k < in.dim; ++k) in.values[r * in.dim + k] = 0;
        }
        break;
      case Degeneracy::kOverflow:
        // 2^60 per coordinate: squared norms reach 2^120·D·R² and overflow float32 (2^128).
        for (double& v : in.values) v = std::ldexp(v, 60);
        break;
      case Degeneracy::kLargeScale:
        for (double& v : in.values) v = std::ldexp(v, 30);
        break;
    }
    return c;
  });
}

void showValue(const DegenerateCase& c, std::ostream& os) {
  os << to_string(c.degeneracy) << ": ";
  showValue(c.base, os);
}

}  // namespace tripletcheck::conformance
