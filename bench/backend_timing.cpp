// tripletcheck_backend_timing: any registered backends side by side through the one host API
// (Backend::evaluate: inputs in, loss and gradient out, copies to and from a GPU included),
// float32, L2, K = 4, forward + backward, median wall time of N calls after one warm-up. For the
// machines where Google Benchmark is not installed (ci/gpu-run compares cuda, torch-cuda and
// torch-tfa-cuda with it); prints JSON on stdout and progress on stderr.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/bench_inputs.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/exit_status.hpp"
#include "tripletcheck/registry.hpp"

namespace {

using tripletcheck::Backend;

constexpr const char* kUsage =
    "usage: tripletcheck_backend_timing --backends A,B,... [--batches 1024,2048] [--dims 128]\n"
    "       [--losses semihard,hard] [--repetitions 5] [--max-seconds-per-call 20]\n"
    "Median wall time of forward + backward calls (float32, L2, 4 samples per class) through\n"
    "Backend::evaluate. A size a backend refuses (memory cap, unavailable) is listed with the\n"
    "reason; after a call slower than --max-seconds-per-call the backend's larger sizes are "
    "skipped.\n"
    "Exit status: 0 every backend timed, 1 one is unavailable here or failed, 2 bad usage.\n";

std::vector<std::string> split(const std::string& text) {  // "a,b,,c" -> a, b, c
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::vector<std::int64_t> integers(const std::string& flag, const std::string& text) {
  std::vector<std::int64_t> out;
  for (const auto& item : split(text)) {
    char* end = nullptr;
    const long long value = std::strtoll(item.c_str(), &end, 10);
    if (*end != '\0' || value <= 0) throw std::invalid_argument(flag + ": bad value " + item);
    out.push_back(value);
  }
  return out;
}

struct Options {
  std::vector<std::string> backends;
  std::vector<std::int64_t> batches = {1024, 2048, 4096, 8192};
  std::vector<std::int64_t> dims = {128};
  std::vector<std::string> losses = {"semihard", "hard"};
  int repetitions = 5;
  double max_seconds_per_call = 20;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int k = 1; k < argc; ++k) {
    const std::string flag = argv[k];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      std::exit(tripletcheck::kExitPassed);
    }
    if (k + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
    const std::string value = argv[++k];
    if (flag == "--backends") {
      o.backends = split(value);
    } else if (flag == "--batches") {
      o.batches = integers(flag, value);
    } else if (flag == "--dims") {
      o.dims = integers(flag, value);
    } else if (flag == "--losses") {
      o.losses = split(value);
    } else if (flag == "--repetitions") {
      o.repetitions = static_cast<int>(integers(flag, value).at(0));
    } else if (flag == "--max-seconds-per-call") {
      o.max_seconds_per_call = static_cast<double>(integers(flag, value).at(0));
    } else {
      throw std::invalid_argument("unknown option " + flag);
    }
  }
  if (o.backends.empty()) throw std::invalid_argument("--backends is required");
  return o;
}

double seconds_of_one_call(const Backend& backend, const tripletcheck::LossSpec& spec,
                           const tripletcheck::bench::Inputs& in) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = backend.evaluate(
      spec,
      tripletcheck::BatchView<float>{in.embeddings.data(), in.batch, in.dim, in.labels.data()});
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (r.grad.size() != in.embeddings.size()) throw std::runtime_error("no gradient returned");
  return s;
}

nlohmann::json time_backend(const Backend& backend, const Options& o) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& loss_name : o.losses) {
    tripletcheck::LossSpec spec;
    spec.loss = tripletcheck::parse_loss(loss_name);
    std::string too_slow;  // set once a call took longer than the limit
    for (const std::int64_t dim : o.dims) {
      for (const std::int64_t batch : o.batches) {
        nlohmann::json row = {
            {"backend", backend.name()}, {"loss", loss_name}, {"batch", batch}, {"dim", dim}};
        std::cerr << "[timing] " << backend.name() << " " << loss_name << " B=" << batch
                  << " D=" << dim << std::flush;
        if (!too_slow.empty()) {
          row["skipped"] = too_slow;
          std::cerr << ": skipped (" << too_slow << ")\n";
          rows.push_back(row);
          continue;
        }
        try {
          const auto in = tripletcheck::bench::make_inputs(batch, dim, 4);
          const double warm_up = seconds_of_one_call(backend, spec, in);
          std::vector<double> ms;
          for (int r = 0; r < o.repetitions && warm_up < o.max_seconds_per_call; ++r) {
            ms.push_back(1e3 * seconds_of_one_call(backend, spec, in));
          }
          if (ms.empty()) ms.push_back(1e3 * warm_up);
          std::sort(ms.begin(), ms.end());
          row["median_ms"] = ms[ms.size() / 2];
          row["min_ms"] = ms.front();
          row["calls"] = ms.size();
          std::cerr << ": " << ms[ms.size() / 2] << " ms\n";
          if (warm_up >= o.max_seconds_per_call) {
            too_slow = "a smaller size took " + std::to_string(warm_up) + " s per call";
          }
        } catch (const tripletcheck::Error& e) {
          row["skipped"] = e.what();
          std::cerr << ": skipped (" << e.what() << ")\n";
        }
        rows.push_back(row);
      }
    }
  }
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "tripletcheck_backend_timing: " << e.what() << "\n" << kUsage;
    return tripletcheck::kExitUsage;
  }
  nlohmann::json out = {{"metric", "L2"},
                        {"dtype", "float32"},
                        {"samples_per_class", 4},
                        {"pass", "forward + backward"},
                        {"repetitions", o.repetitions},
                        {"rows", nlohmann::json::array()}};
  bool unavailable = false;
  for (const auto& name : o.backends) {
    try {
      const Backend& backend = tripletcheck::find_backend(name);
      if (!backend.available()) {
        unavailable = true;
        out["unavailable"][name] = backend.unavailable_reason();
        std::cerr << "[timing] " << name << ": unavailable: " << backend.unavailable_reason()
                  << "\n";
        continue;
      }
      for (auto& row : time_backend(backend, o)) out["rows"].push_back(row);
    } catch (const tripletcheck::Error& e) {  // an unknown backend name
      std::cerr << "tripletcheck_backend_timing: " << e.what() << "\n";
      return tripletcheck::kExitUsage;
    } catch (const std::exception& e) {  // out of memory, a backend without a gradient
      std::cerr << "tripletcheck_backend_timing: " << name << ": " << e.what() << "\n";
      return tripletcheck::kExitChecksFailed;
    }
  }
  std::cout << out.dump(1) << "\n";
  // Asked for and not there (a GPU job without its GPU) is a failure, after the JSON says why.
  return unavailable ? tripletcheck::kExitChecksFailed : tripletcheck::kExitPassed;
}
