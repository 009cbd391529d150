// Reading and writing corpus cases. Values are strings that read back bit for bit (shortest
// round-trip decimal), so a case replays exactly on any machine.
#include "conformance/corpus.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "tripletcheck/errors.hpp"
#include "tripletcheck/install_layout.hpp"
#include "tripletcheck/text.hpp"

namespace tripletcheck::conformance {
namespace {

using nlohmann::json;

constexpr const char* kFormat = "tripletcheck corpus case 1";

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw InvalidArgument("corpus case", path, problem);
}

double read_number(const json& v, const std::string& path) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) fail(path, "a value is neither a number nor a string: " + v.dump());
  const std::string text = v.get<std::string>();
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);  // decimal, hex float, nan, inf
  if (text.empty() || *end != '\0') fail(path, "not a number: \"" + text + "\"");
  return value;
}

std::vector<double> read_matrix(const json& m, std::int64_t rows, std::int64_t cols,
                                const std::string& path) {
  if (!m.is_array() || static_cast<std::int64_t>(m.size()) != rows) {
    fail(path, "expected " + std::to_string(rows) + " rows of values");
  }
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(rows * cols));
  for (const auto& row : m) {
    if (!row.is_array() || static_cast<std::int64_t>(row.size()) != cols) {
      fail(path, "expected rows of " + std::to_string(cols) + " values");
    }
    for (const auto& v : row) out.push_back(read_number(v, path));
  }
  return out;
}

// FNV-1a over the bits of the case: names the file, so the same case is saved once.
std::uint64_t case_hash(const CorpusCase& c) {
  std::uint64_t h = 1469598103934665603ull;
  const auto mix = [&h](const void* data, std::size_t n) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t k = 0; k < n; ++k) h = (h ^ bytes[k]) * 1099511628211ull;
  };
  const CaseInput& in = c.generated.input;
  mix(c.property.data(), c.property.size());
  const int spec[3] = {static_cast<int>(in.spec.loss), in.spec.soft ? 1 : 0,
                       in.precomputed ? -1 : static_cast<int>(in.spec.metric)};
  mix(spec, sizeof spec);
  mix(&in.spec.margin, sizeof in.spec.margin);
  mix(in.labels.data(), in.labels.size() * sizeof(std::int64_t));
  mix(in.values.data(), in.values.size() * sizeof(double));
  return h;
}

}  // namespace

std::string exact_decimal(double value) {
  if (!std::isfinite(value)) return nonfinite_name(value);
  char text[40];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  return text;
}

std::string corpus_directory() {
  const std::string& prefix = installed_prefix();
  if (!prefix.empty()) return prefix + "/" + kInstalledDataDir + "/corpus";
  return TRIPLETCHECK_SOURCE_DIR "/properties/corpus";
}

std::vector<std::string> list_corpus(const std::string& directory) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      out.push_back(entry.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

CorpusCase read_corpus_case(const std::string& path) {
  std::ifstream file(path);
  if (!file) fail(path, "cannot open the file");
  json j;
  try {
    j = json::parse(file);
  } catch (const json::exception& e) {
    fail(path, std::string("not JSON: ") + e.what());
  }
  try {
    if (j.value("format", "") != kFormat)
      fail(path, std::string("format is not \"") + kFormat + "\"");
    CorpusCase c;
    c.property = j.at("property").get<std::string>();
    c.description = j.value("description", "");
    c.found_by = j.value("found_by", "");
    const std::string precision = j.value("precision", "");
    try {
      if (!precision.empty()) c.precision = parse_precision(precision);
    } catch (const std::invalid_argument& e) {
      fail(path, e.what());
    }
    c.seed = j.value("seed", std::uint64_t{0});
    c.reproduce = j.value("reproduce", "");
    c.date = j.value("date", "");
    const json& k = j.at("case");
    CaseInput& in = c.generated.input;
    in.spec.loss = parse_loss(k.at("loss").get<std::string>());
    in.spec.soft = k.value("soft", false);
    in.spec.margin = read_number(k.at("margin"), path);
    const std::string metric = k.at("metric").get<std::string>();
    in.precomputed = metric == "precomputed";
    if (!in.precomputed) in.spec.metric = parse_metric(metric);
    in.labels = k.at("labels").get<std::vector<std::int64_t>>();
    in.batch = static_cast<std::int64_t>(in.labels.size());
    if (in.batch == 0) fail(path, "no labels");
    if (in.precomputed) {
      in.dim = in.batch;
      in.values = read_matrix(k.at("distances"), in.batch, in.batch, path);
    } else {
      const json& x = k.at("embeddings");
      in.dim = x.is_array() && !x.empty() && x[0].is_array()
                   ? static_cast<std::int64_t>(x[0].size())
                   : 0;
      if (in.dim == 0) fail(path, "embeddings must be B rows of D > 0 values");
      in.values = read_matrix(x, in.batch, in.dim, path);
    }
    const json generator = k.value("generator", json::object());
    c.generated.seed = generator.value("seed", std::uint64_t{0});
    c.generated.coordinate_range = generator.value("coordinate_range", 1);
    c.generated.coordinate_scale = generator.contains("coordinate_scale")
                                       ? read_number(generator["coordinate_scale"], path)
                                       : 1.0;
    return c;
  } catch (const json::exception& e) {
    fail(path, std::string("missing or mistyped field: ") + e.what());
  }
}

void write_corpus_case(const std::string& path, const CorpusCase& c) {
  const CaseInput& in = c.generated.input;
  // Written by hand rather than json::dump(indent): one matrix row per line, fields in reading
  // order, so a case reads (and diffs) like the batch it is.
  std::ostringstream out;
  const auto field = [&out](const char* indent, const char* key, const json& value, bool last) {
    out << indent << json(key).dump() << ": " << value.dump() << (last ? "\n" : ",\n");
  };
  out << "{\n";
  field(" ", "format", kFormat, false);
  field(" ", "property", c.property, false);
  field(" ", "description", c.description, false);
  field(" ", "found_by", c.found_by, false);
  field(" ", "precision", c.precision ? to_string(*c.precision) : "", false);
  field(" ", "seed", c.seed, false);
  field(" ", "reproduce", c.reproduce, false);
  field(" ", "date", c.date, false);
  out << " \"case\": {\n";
  field("  ", "loss", to_string(in.spec.loss), false);
  field("  ", "soft", in.spec.soft, false);
  field("  ", "margin", exact_decimal(in.spec.margin), false);
  field("  ", "metric", in.precomputed ? "precomputed" : to_string(in.spec.metric), false);
  field("  ", "labels", in.labels, false);
  out << "  " << json(in.precomputed ? "distances" : "embeddings").dump() << ": [\n";
  for (std::int64_t i = 0; i < in.batch; ++i) {
    json row = json::array();
    for (std::int64_t k = 0; k < in.dim; ++k)
      row.push_back(exact_decimal(in.values[i * in.dim + k]));
    out << "   " << row.dump() << (i + 1 < in.batch ? ",\n" : "\n");
  }
  out << "  ],\n";
  field("  ", "generator",
        {{"seed", c.generated.seed},
         {"coordinate_range", c.generated.coordinate_range},
         {"coordinate_scale", exact_decimal(c.generated.coordinate_scale)}},
        true);
  out << " }\n}\n";
  std::error_code ignored;  // a folder that cannot be made shows as the file not opening
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ignored);
  std::ofstream file(path);
  if (!file) fail(path, "cannot write the file");
  file << out.str();
}

std::string corpus_file_name(const std::string& backend, const CorpusCase& c) {
  std::string name;
  for (char ch : backend) {
    const bool keep = std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.';
    if (keep) {
      name += ch;
    } else if (!name.empty() && name.back() != '-') {
      name += '-';
    }
  }
  constexpr std::size_t kMaxBackendPart = 40;
  if (name.size() > kMaxBackendPart) name.resize(kMaxBackendPart);
  while (!name.empty() && name.back() == '-') name.pop_back();
  char hash[17];
  std::snprintf(hash, sizeof hash, "%08llx",
                static_cast<unsigned long long>(case_hash(c) & 0xffffffffull));
  return name + "-" + c.property + "-" + hash + ".json";
}

}  // namespace tripletcheck::conformance
