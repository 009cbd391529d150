// Report files written whole, each checked, so a full disk is an error rather than a short file.
#include "bench/report/output_files.hpp"

#include <filesystem>
#include <fstream>

#include "tripletcheck/errors.hpp"

namespace tripletcheck::report {

void write_output_files(const std::string& directory,
                        const std::vector<std::pair<std::string, std::string>>& files) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec || !std::filesystem::is_directory(directory)) {
    throw InvalidArgument("--out", directory, "cannot create this directory");
  }
  for (const auto& [name, content] : files) {
    const std::string path = (std::filesystem::path(directory) / name).string();
    std::ofstream out(path, std::ios::binary);
    out << content;
    out.close();
    if (!out) throw InvalidArgument("--out", directory, "cannot write " + path);
  }
}

}  // namespace tripletcheck::report
