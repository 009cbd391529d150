// A fresh directory for one test's files, removed with its contents when the test ends.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <system_error>

namespace tripletcheck_test {

class TempDir {
 public:
  TempDir() {
    // pid + counter: unique across parallel ctest processes and within one process.
    static std::atomic<int> counter{0};
    root_ = std::filesystem::temp_directory_path() /
            ("tripletcheck-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(root_);
  }
  ~TempDir() {
    std::error_code ignored;  // best effort: a leftover temp dir must not fail a test
    std::filesystem::remove_all(root_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path(const std::string& name) const { return (root_ / name).string(); }

 private:
  std::filesystem::path root_;
};

}  // namespace tripletcheck_test
