#include "lesson/python.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

#ifndef LESSON_NOTEBOOK_CODE  // set by notebooks_port/CMakeLists.txt
#define LESSON_NOTEBOOK_CODE "notebook_code.py"
#endif

extern char** environ;

namespace lesson {

void run_notebook_code(const std::string& python, const std::string& notebook,
                       const std::vector<std::pair<std::string, std::string>>& params) {
  std::vector<std::string> args = {python, LESSON_NOTEBOOK_CODE, notebook, "--quiet"};
  for (const auto& [name, value] : params) {
    args.push_back("-p");
    args.push_back(name + "=" + value);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // Whatever slips past --quiet would land in our stdout (the cells' output).
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  std::cout.flush();
  const int rc = posix_spawn(&pid, python.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot run " + python + ": " + std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(
        "the Python side (" + python + " running " + notebook + ") failed with " +
        (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                           : "signal " + std::to_string(WTERMSIG(status))));
  }
}

}  // namespace lesson
