#include "tripletcheck/install_layout.hpp"

#include <filesystem>
#include <system_error>

namespace tripletcheck {

const std::string& installed_prefix() {
  static const std::string prefix = [] {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return std::string();
    const fs::path candidate = exe.parent_path().parent_path();
    return fs::is_directory(candidate / kInstalledDataDir, ec) ? candidate.string() : std::string();
  }();
  return prefix;
}

}  // namespace tripletcheck
