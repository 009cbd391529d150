// The exec protocol's tripletcheck side: write request.json and .npy inputs into a fresh case
// folder, run the program (or ask the running server), read {"loss": ...} and grad.npy back.
// Every failure of the program becomes a tripletcheck::Error naming the command and the tail of
// its stderr, with the case folder kept for a look.
#include "conformance/run/exec_backend.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <type_traits>

#include "conformance/known_divergences.hpp"
#include "conformance/precision.hpp"
#include "conformance/run/subprocess.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/npy.hpp"
#include "tripletcheck/text.hpp"

namespace tripletcheck::conformance {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t kStderrTail = 1500;

std::string last_nonempty_line(const std::string& text) {
  std::size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return {};
  const std::size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end + 1 - (start == std::string::npos ? 0 : start + 1));
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

double parse_loss(const json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    if (const auto special = nonfinite_from_name(value.get<std::string>())) return *special;
  }
  throw std::runtime_error("\"loss\" must be a number or \"nan\", \"inf\", \"-inf\", got " +
                           value.dump());
}

class ExecBackend final : public TemplatedBackend<ExecBackend> {
 public:
  ExecBackend(std::string command, const ExecOptions& options)
      : command_(std::move(command)), options_(options) {
    char pattern[] = "/tmp/tripletcheck-exec-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw Error("exec backend: cannot create a temp folder");
    root_ = pattern;
    probe();
  }
  ~ExecBackend() override {
    server_.reset();
    std::error_code ignored;  // best effort; failed cases were reported with their folder
    for (const auto& entry : fs::directory_iterator(root_, ignored)) {
      if (entry.path().filename().string().rfind("case-", 0) == 0 && !kept_.count(entry.path())) {
        fs::remove_all(entry.path(), ignored);
      }
    }
    if (kept_.empty()) fs::remove_all(root_, ignored);
  }

  std::string name() const override { return kExecPrefix + command_; }
  std::string description() const override {
    return "external program `" + command_ + "` (tools/EXEC_PROTOCOL.md)" +
           (serve_ ? ", one long-running process (--serve)" : ", one process per evaluation") +
           traits_note() + (probe_note_.empty() ? "" : "; " + probe_note_);
  }
  Capabilities capabilities() const override { return caps_; }

 private:
  std::string traits_note() const {
    std::string names;
    for (const auto& t : conformance::declared_traits(caps_.traits)) {
      names += (names.empty() ? "" : ", ") + t;
    }
    return names.empty() ? "" : "; numeric traits declared: " + names;
  }

  friend class TemplatedBackend<ExecBackend>;
  template <class T>
  Result<T> run_embeddings(const LossSpec& s, const BatchView<T>& b, bool g) const {
    return call<T>(s, b.embeddings, b.batch, b.dim, b.labels, false, g);
  }
  template <class T>
  Result<T> run_distances(const LossSpec& s, const DistanceView<T>& d, bool g) const {
    return call<T>(s, d.distances, d.batch, d.batch, d.labels, true, g);
  }

  // `command --capabilities`: optional. A program without it gets float32 embeddings with
  // gradients, one process per evaluation, and no claim about ties.
  void probe() {
    caps_.float64 = false;
    caps_.precomputed_distances = false;
    caps_.tf_exact_ties = false;
    const ProcessResult r =
        run_shell(command_ + " --capabilities", {}, {}, options_.timeout_seconds);
    json j;
    try {
      if (r.exit_status != 0 || r.timed_out) throw std::runtime_error("status");
      j = json::parse(last_nonempty_line(r.out));
      if (!j.is_object()) throw std::runtime_error("not an object");
    } catch (const std::exception&) {
      probe_note_ = "no usable --capabilities answer (exit status " +
                    std::to_string(r.exit_status) + "): float32 only, one process per evaluation";
      return;
    }
    const auto flag = [&j](const char* key, bool fallback) {
      return j.contains(key) && j[key].is_boolean() ? j[key].get<bool>() : fallback;
    };
    caps_.float32 = flag("float32", true);
    caps_.float64 = flag("float64", false);
    caps_.gradients = flag("gradients", true);
    caps_.precomputed_distances = flag("precomputed_distances", false);
    caps_.tf_exact_ties = flag("tf_exact_ties", false);
    caps_.deterministic = flag("deterministic", true);
    serve_ = flag("serve", false);
    read_coverage(j);
    read_traits(j);
  }

  // A list of strings under `key`, each one of `known`; absent: `absent`.
  std::vector<std::string> string_list(const json& j, const char* key,
                                       const std::vector<std::string>& known,
                                       const std::vector<std::string>& absent) const {
    if (!j.contains(key)) return absent;
    const std::string where = "exec:" + command_ + " --capabilities";
    if (!j[key].is_array()) {
      throw InvalidArgument(where, j[key].dump(), std::string("\"") + key + "\" must be a list");
    }
    std::vector<std::string> out;
    for (const auto& item : j[key]) {
      const std::string name = item.is_string() ? item.get<std::string>() : item.dump();
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        std::string names;
        for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
        throw InvalidArgument(where, name,
                              std::string("unknown in \"") + key + "\"; known: " + names);
      }
      out.push_back(name);
    }
    return out;
  }

  // "losses", "soft", "metrics": the variants the program implements (EXEC_PROTOCOL.md).
  void read_coverage(const json& j) {
    const auto has = [](const std::vector<std::string>& list, const char* name) {
      return std::find(list.begin(), list.end(), name) != list.end();
    };
    const std::vector<std::string> all_losses = {"hard", "semihard"};
    const std::vector<std::string> all_metrics = {"L2", "squared-L2", "angular"};
    const auto losses = string_list(j, "losses", all_losses, all_losses);
    const auto metrics = string_list(j, "metrics", all_metrics, all_metrics);
    const bool soft = !j.contains("soft") || !j["soft"].is_boolean() || j["soft"].get<bool>();
    Coverage& c = caps_.implements;
    c.hard = has(losses, "hard");
    c.hard_soft = c.hard && soft;
    c.semihard = has(losses, "semihard");
    c.l2 = has(metrics, "L2");
    c.squared_l2 = has(metrics, "squared-L2");
    c.angular = has(metrics, "angular");
  }

  void read_traits(const json& j) {
    for (const auto& name : string_list(j, "traits", conformance::numeric_trait_names(), {})) {
      conformance::set_numeric_trait(caps_.traits, name);
    }
  }

  // A server's answer must be a JSON object that echoes this case's folder: a stray line on its
  // stdout (a library's print) would otherwise be taken for this case's answer, and every later
  // answer for the case before it. Anything else fails this evaluation and restarts the server,
  // so that the next one starts in step.
  void check_server_answer(const std::string& answer, const fs::path& dir) const {
    std::string problem;
    try {
      const json j = json::parse(answer);
      if (!j.is_object()) {
        problem = "not a JSON object";
      } else if (!j.contains("case")) {
        problem = "no \"case\" field echoing the folder (EXEC_PROTOCOL.md, server mode)";
      } else if (!j["case"].is_string() || j["case"].get<std::string>() != dir.string()) {
        problem = "the answer is for " + j["case"].dump() + ", not for this case";
      }
    } catch (const json::exception&) {
      problem = "not JSON";
    }
    if (problem.empty()) return;
    server_.reset();
    fail("the server's answer \"" + tail(answer, 200) + "\" is out of step: " + problem +
             " (the server was restarted)",
         dir, "");
  }

  [[noreturn]] void fail(const std::string& problem, const fs::path& dir,
                         const std::string& stderr_text) const {
    kept_.insert(dir);
    std::string message =
        "exec backend `" + command_ + "`: " + problem + "; case folder kept: " + dir.string();
    // A server's stderr goes to a log shared by every case: its tail is the latest.
    const std::string err =
        tail(serve_ ? read_file(root_ / "server-stderr.log") : stderr_text, kStderrTail);
    message += err.empty() ? "; stderr empty" : "; stderr: " + err;
    throw Error(message);
  }

  template <class T>
  Result<T> call(const LossSpec& spec, const T* values, std::int64_t batch, std::int64_t cols,
                 const std::int64_t* labels, bool precomputed, bool gradient) const {
    const std::lock_guard<std::mutex> lock(mutex_);  // one evaluation at a time
    const fs::path dir = root_ / ("case-" + std::to_string(next_case_++));
    fs::create_directories(dir);
    constexpr NpyType type = std::is_same_v<T, float> ? NpyType::kFloat32 : NpyType::kFloat64;
    const char* input = precomputed ? "distances.npy" : "embeddings.npy";
    write_npy((dir / input).string(), type, {batch, cols}, values);
    write_npy((dir / "labels.npy").string(), NpyType::kInt64, {batch}, labels);
    const json request = {
        {"loss", to_string(spec.loss)},
        {"soft", spec.soft},
        {"margin", spec.margin},
        {"metric", precomputed ? "precomputed" : to_string(spec.metric)},
        {"dtype", to_string(std::is_same_v<T, float> ? Precision::kFloat32 : Precision::kFloat64)},
        {"want_grad", gradient},
        {"input", input},
        {"batch", batch},
        {"dim", precomputed ? json(nullptr) : json(cols)}};
    std::ofstream(dir / "request.json") << request.dump(1) << '\n';

    std::string answer, err;
    if (serve_) {
      const fs::path log = root_ / "server-stderr.log";
      try {
        if (!server_) server_ = std::make_unique<ShellServer>(command_ + " --serve", log.string());
        answer = server_->request(dir.string(), options_.timeout_seconds);
      } catch (const std::runtime_error& e) {
        server_.reset();  // a fresh server for the next evaluation
        fail(e.what(), dir, "");
      }
      check_server_answer(answer, dir);
    } else {
      const ProcessResult r =
          run_shell(command_ + " \"$1\"", {dir.string()}, {{"TRIPLETCHECK_CASE_DIR", dir.string()}},
                    options_.timeout_seconds);
      err = r.err;
      if (r.timed_out) fail("no answer within the timeout (killed)", dir, err);
      if (r.exit_status != 0) fail("exit status " + std::to_string(r.exit_status), dir, err);
      answer = last_nonempty_line(r.out);
    }

    Result<T> result;
    std::string reported;  // the program's own {"error": "..."}
    try {
      const json j = json::parse(answer);
      if (j.is_object() && j.contains("error")) {
        reported = j["error"].is_string() ? j["error"].get<std::string>() : j["error"].dump();
      } else {
        if (!j.is_object() || !j.contains("loss")) throw std::runtime_error("no \"loss\" field");
        result.loss = parse_loss(j["loss"]);
      }
    } catch (const std::exception& e) {
      fail("expected a JSON object {\"loss\": ...} on stdout, got \"" + tail(answer, 200) + "\" (" +
               e.what() + ")",
           dir, err);
    }
    if (!reported.empty()) fail("the program reported: " + reported, dir, err);
    if (gradient) {
      const fs::path grad_path = dir / "grad.npy";
      if (!fs::exists(grad_path)) fail("want_grad was true but grad.npy was not written", dir, err);
      NpyArray grad;
      try {
        grad = read_npy(grad_path.string());
      } catch (const NpyError& e) {
        fail(std::string("unreadable grad.npy: ") + e.what(), dir, err);
      }
      if (!grad.is_floating() || grad.shape != std::vector<std::int64_t>{batch, cols}) {
        fail("grad.npy must be a floating-point array of the input's shape [" +
                 std::to_string(batch) + ", " + std::to_string(cols) + "], got " +
                 to_string(grad.type),
             dir, err);
      }
      const std::vector<double> g = grad.to_double();
      result.grad.assign(g.begin(), g.end());
    }
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    return result;
  }

  std::string command_;
  ExecOptions options_;
  fs::path root_;
  Capabilities caps_;
  bool serve_ = false;
  std::string probe_note_;
  mutable std::mutex mutex_;
  mutable long next_case_ = 0;
  mutable std::unique_ptr<ShellServer> server_;
  mutable std::set<fs::path> kept_;
};

}  // namespace

std::unique_ptr<Backend> make_exec_backend(const std::string& command, const ExecOptions& options) {
  if (command.find_first_not_of(" \t") == std::string::npos) {
    throw InvalidArgument("backend", "exec:", "needs a command after \"exec:\"");
  }
  return std::make_unique<ExecBackend>(command, options);
}

}  // namespace tripletcheck::conformance
