#include "conformance/run/merge.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <tuple>

#include "conformance/known_divergences.hpp"
#include "conformance/run/checklist.hpp"
#include "conformance/run/diagnosis.hpp"
#include "conformance/run/shard.hpp"
#include "tripletcheck/errors.hpp"

namespace tripletcheck::conformance {
namespace {

constexpr const char* kWhat = "merge-reports";

// The command without its " --shard K/N": the one run the parts make up.
std::string whole_command(std::string command, const std::string& shard) {
  const std::string option = " --shard " + shard;
  const auto at = command.find(option);
  if (at != std::string::npos) command.erase(at, option.size());
  return command;
}

// Every setting but the shard and the timings must be the same in every part.
void check_same_settings(const RunSettings& a, const RunSettings& b) {
  const auto same = [&](bool equal, const char* name) {
    if (!equal) {
      throw InvalidArgument(kWhat, b.shard,
                            "differs from shard " + a.shard + " in its " + name +
                                ": the parts of one run have the same options but --shard");
    }
  };
  same(a.seed == b.seed, "seed");
  same(a.cases == b.cases && a.exec_cases == b.exec_cases, "case counts");
  same(a.max_size == b.max_size && a.exec_max_size == b.exec_max_size, "sizes");
  same(a.time_budget == b.time_budget, "time budget");
  same(a.artifacts_fail == b.artifacts_fail, "--artifacts");
  same(a.checks == b.checks, "checks");
  same(a.golden_source == b.golden_source, "golden fixtures");
  same(a.corpus_cases == b.corpus_cases, "corpus");
  same(whole_command(a.command, a.shard) == whole_command(b.command, b.shard), "commands");
}

// The parts in shard order; throws unless they are 1..N, each once.
std::vector<const RunOutcome*> in_shard_order(const std::vector<RunOutcome>& parts) {
  if (parts.empty()) throw InvalidArgument(kWhat, "", "no report folders given");
  std::vector<const RunOutcome*> order;
  int count = 0;
  for (const auto& p : parts) {
    if (p.settings.shard.empty()) {
      throw InvalidArgument(kWhat, p.settings.command,
                            "a whole run, not a shard (run conform with --shard K/N)");
    }
    const Shard s = parse_shard(kWhat, p.settings.shard);
    if (count == 0) {
      count = s.count;
      order.assign(static_cast<std::size_t>(count), nullptr);
    }
    if (s.count != count) {
      throw InvalidArgument(
          kWhat, p.settings.shard,
          "shards of " + std::to_string(count) + " and of " + std::to_string(s.count) + " parts");
    }
    auto& slot = order[static_cast<std::size_t>(s.index)];
    if (slot != nullptr) throw InvalidArgument(kWhat, s.text(), "the same shard given twice");
    slot = &p;
  }
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (order[k] == nullptr) {
      throw InvalidArgument(kWhat, Shard{static_cast<int>(k), count}.text(),
                            "missing: every part of the run is needed");
    }
  }
  return order;
}

void add_check(BackendOutcome& into, const CheckResult& c) {
  CheckResult& r = into.check(c.kind, c.name, c.unit);
  r.unit = std::min(r.unit, c.unit);
  r.cases += c.cases;
  r.failures += c.failures;
  r.artifacts += c.artifacts;
  r.skipped += c.skipped;
  r.seconds += c.seconds;
  if (r.note.empty()) r.note = c.note;
  for (const auto& [edge, n] : c.edge_classes) r.edge_classes[edge] += n;
}

void add_backend(BackendOutcome& into, const BackendOutcome& part, const std::string& shard) {
  for (const auto& c : part.checks) add_check(into, c);
  const bool had_failures = !into.failures.empty();
  into.failures.insert(into.failures.end(), part.failures.begin(), part.failures.end());
  for (const auto& variant : VariantMatrix::variants()) {
    for (const auto& metric : VariantMatrix::metrics()) {
      if (const Cell* cell = part.matrix.find(variant, metric)) {
        into.matrix.add(variant, metric, *cell);
      }
    }
  }
  for (const auto& [key, row] : part.golden.rows()) into.golden.add(key, row);
  into.golden_complete = into.golden_complete && part.golden_complete;
  for (const auto& [entry, use] : part.known_divergences_used) {
    auto& u = into.known_divergences_used[entry];
    u.comparisons += use.comparisons;
    u.reason = use.reason;
  }
  if (!part.stopped.empty()) {
    into.stopped += (into.stopped.empty() ? "" : "; ") + ("shard " + shard + ": " + part.stopped);
  }
  if (!part.failures.empty()) {
    into.cases_to_first_failure =
        had_failures ? std::min(into.cases_to_first_failure, part.cases_to_first_failure)
                     : part.cases_to_first_failure;
  }
  into.cases += part.cases;
  into.seconds += part.seconds;
  if (into.mutant_tallies.empty()) {
    into.mutant_tallies = part.mutant_tallies;
  } else {
    for (std::size_t k = 0; k < into.mutant_tallies.size() && k < part.mutant_tallies.size(); ++k) {
      Suspect& t = into.mutant_tallies[k];
      const Suspect& p = part.mutant_tallies[k];
      t.reproduced += p.reproduced;
      t.failing += p.failing;
      t.contradicted += p.contradicted;
      t.passing += p.passing;
    }
  }
  into.checklist.insert(into.checklist.end(), part.checklist.begin(), part.checklist.end());
}

// One run's order: checks by kind, then by the first unit that reached them; failures most
// severe first, then likewise (the runner's stable sort of failures found in that order).
void order_as_one_run(BackendOutcome& b) {
  std::stable_sort(b.checks.begin(), b.checks.end(),
                   [](const CheckResult& x, const CheckResult& y) {
                     return std::tie(x.kind, x.unit) < std::tie(y.kind, y.unit);
                   });
  std::stable_sort(b.failures.begin(), b.failures.end(), [](const Failure& x, const Failure& y) {
    return std::make_tuple(severity(x), x.kind, x.unit) <
           std::make_tuple(severity(y), y.kind, y.unit);
  });
  sort_by_rule(b.checklist);
}

}  // namespace

RunOutcome merge_shards(const std::vector<RunOutcome>& parts) {
  const std::vector<const RunOutcome*> order = in_shard_order(parts);
  const RunOutcome& first = *order.front();
  RunOutcome merged;
  merged.settings = first.settings;
  merged.settings.command = whole_command(first.settings.command, first.settings.shard);
  merged.settings.shard.clear();
  merged.unavailable = first.unavailable;
  for (const auto& b : first.backends) {
    BackendOutcome m;
    m.backend = b.backend;
    m.description = b.description;
    m.capabilities = b.capabilities;
    m.artifacts_fail = b.artifacts_fail;
    m.golden_complete = true;
    merged.backends.push_back(std::move(m));
  }
  std::set<std::string> unmatched(first.unmatched_known_divergences.begin(),
                                  first.unmatched_known_divergences.end());
  for (const RunOutcome* part : order) {
    check_same_settings(first.settings, part->settings);
    if (part->backends.size() != merged.backends.size()) {
      throw InvalidArgument(kWhat, part->settings.shard, "checked other backends than shard 1");
    }
    for (std::size_t k = 0; k < merged.backends.size(); ++k) {
      if (part->backends[k].backend != merged.backends[k].backend) {
        throw InvalidArgument(kWhat, part->settings.shard,
                              "checked " + part->backends[k].backend + " where shard 1 checked " +
                                  merged.backends[k].backend);
      }
      add_backend(merged.backends[k], part->backends[k], part->settings.shard);
    }
    // Stale: unmatched in every part.
    const std::set<std::string> here(part->unmatched_known_divergences.begin(),
                                     part->unmatched_known_divergences.end());
    for (auto it = unmatched.begin(); it != unmatched.end();) {
      it = here.count(*it) ? std::next(it) : unmatched.erase(it);
    }
    merged.seconds = std::max(merged.seconds, part->seconds);
  }
  for (auto& b : merged.backends) {
    order_as_one_run(b);
    b.suspects = rank_suspects(b.mutant_tallies);
    b.mutant_tallies.clear();
  }
  // As stale_known_divergences does for one run: in the catalogue's order, once per backend
  // that checked every fixture.
  for (const auto& e : known_divergences()) {
    if (unmatched.count(divergence_key(e)) == 0) continue;
    for (const auto& b : merged.backends) {
      if (b.backend == e.subject && b.golden_complete) merged.stale.push_back(e);
    }
  }
  return merged;
}

}  // namespace tripletcheck::conformance
