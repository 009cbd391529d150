// Writing a report's files into the --out directory of a command (created when missing).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tripletcheck::report {

// Each pair is (file name, content). Throws InvalidArgument("--out", directory, …) when the
// directory cannot be created or a file cannot be written.
void write_output_files(const std::string& directory,
                        const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace tripletcheck::report
