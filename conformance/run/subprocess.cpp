// fork/exec with pipes and poll(): no shell quoting of arguments (they are passed as $1...), and
// both output streams drained together so that a chatty program cannot deadlock on a full pipe.
#include "conformance/run/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace tripletcheck::conformance {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void die_in_child(const char* what) {
  const std::string message =
      std::string("tripletcheck: ") + what + ": " + std::strerror(errno) + "\n";
  [[maybe_unused]] const auto ignored = ::write(2, message.data(), message.size());
  ::_exit(127);
}

int milliseconds_left(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

int decode_status(int raw) {
  if (WIFEXITED(raw)) return WEXITSTATUS(raw);
  if (WIFSIGNALED(raw)) return 128 + WTERMSIG(raw);
  return -1;
}

// Starts /bin/sh -c script with args; fills the parent's ends of the pipes (-1 where not wanted).
pid_t spawn(const std::string& script, const std::vector<std::string>& args,
            const Environment& environment, int* stdin_fd, int* stdout_fd, int* stderr_fd,
            const std::string& stderr_path) {
  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  if ((stdin_fd && ::pipe(in_pipe) != 0) || ::pipe(out_pipe) != 0 ||
      (stderr_fd && ::pipe(err_pipe) != 0)) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<std::string> argv_text = {"sh", "-c", script, "sh"};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);  // its own group: a timeout kills the program's children too
    if (stdin_fd) {
      ::dup2(in_pipe[0], 0);
    } else {
      const int null = ::open("/dev/null", O_RDONLY);
      if (null >= 0) ::dup2(null, 0);
    }
    ::dup2(out_pipe[1], 1);
    if (stderr_fd) {
      ::dup2(err_pipe[1], 2);
    } else {
      const int log = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (log < 0) die_in_child("cannot open the stderr log");
      ::dup2(log, 2);
    }
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
      if (fd > 2) ::close(fd);
    }
    for (const auto& [name, value] : environment) ::setenv(name.c_str(), value.c_str(), 1);
    ::execv("/bin/sh", argv.data());
    die_in_child("cannot run /bin/sh");
  }
  if (stdin_fd) {
    ::close(in_pipe[0]);
    *stdin_fd = in_pipe[1];
  }
  ::close(out_pipe[1]);
  *stdout_fd = out_pipe[0];
  if (stderr_fd) {
    ::close(err_pipe[1]);
    *stderr_fd = err_pipe[0];
  }
  return pid;
}

void kill_group(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
}

}  // namespace

ProcessResult run_shell(const std::string& script, const std::vector<std::string>& args,
                        const Environment& environment, double timeout_seconds) {
  int out_fd = -1, err_fd = -1;
  const pid_t pid = spawn(script, args, environment, nullptr, &out_fd, &err_fd, "");
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<long long>(timeout_seconds * 1000));
  ProcessResult result;
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_streams = 2;
  char buffer[65536];
  while (open_streams > 0) {
    const int ready = ::poll(fds, 2, milliseconds_left(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      result.timed_out = true;
      kill_group(pid);
      break;
    }
    for (int s = 0; s < 2; ++s) {
      if (fds[s].fd < 0 || fds[s].revents == 0) continue;
      const ssize_t n = ::read(fds[s].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[s]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[s].fd);
        fds[s].fd = -1;  // poll ignores negative descriptors
        --open_streams;
      }
    }
  }
  for (const auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  int raw = 0;
  while (::waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
  }
  result.exit_status = decode_status(raw);
  return result;
}

ShellServer::ShellServer(const std::string& script, const std::string& stderr_path) {
  // A server that exits while we write its next request must not kill us with SIGPIPE; the
  // failed write is reported as an error instead.
  ::signal(SIGPIPE, SIG_IGN);
  pid_ = spawn(script, {}, {}, &to_child_, &from_child_, nullptr, stderr_path);
}

ShellServer::~ShellServer() { stop(); }

void ShellServer::stop() {
  if (to_child_ >= 0) ::close(to_child_);  // EOF: a well-behaved server exits now
  if (from_child_ >= 0) ::close(from_child_);
  to_child_ = from_child_ = -1;
  if (pid_ > 0) {
    int raw = 0;
    // Give it a moment to exit on its own, then make sure.
    for (int attempt = 0; attempt < 50; ++attempt) {
      if (::waitpid(pid_, &raw, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      ::usleep(20000);
    }
    kill_group(pid_);
    ::waitpid(pid_, &raw, 0);
    pid_ = -1;
  }
}

std::string ShellServer::request(const std::string& line, double timeout_seconds) {
  if (pid_ <= 0) throw std::runtime_error("the server is not running (it failed before)");
  const std::string message = line + "\n";
  std::size_t written = 0;
  while (written < message.size()) {
    const ssize_t n = ::write(to_child_, message.data() + written, message.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      stop();
      throw std::runtime_error("the server exited (writing its request failed)");
    }
    written += static_cast<std::size_t>(n);
  }
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<long long>(timeout_seconds * 1000));
  char buffer[4096];
  for (;;) {
    const auto newline = buffered_.find('\n');
    if (newline != std::string::npos) {
      std::string answer = buffered_.substr(0, newline);
      buffered_.erase(0, newline + 1);
      return answer;
    }
    pollfd fd{from_child_, POLLIN, 0};
    const int ready = ::poll(&fd, 1, milliseconds_left(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      stop();
      throw std::runtime_error("no answer within " + std::to_string(timeout_seconds) +
                               " s (the server was killed)");
    }
    const ssize_t n = ::read(from_child_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      stop();
      throw std::runtime_error("the server exited without answering");
    }
    buffered_.append(buffer, static_cast<std::size_t>(n));
  }
}

std::string tail(const std::string& text, std::size_t max_chars) {
  std::string t = text.size() > max_chars ? "..." + text.substr(text.size() - max_chars) : text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  for (char& c : t) {
    if (c == '\n') c = '|';
  }
  return t;
}

}  // namespace tripletcheck::conformance
