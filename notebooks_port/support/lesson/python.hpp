// A lesson notebook's Python side, run from C++: its code cells as a script
// (support/notebook_code.py), with parameters set as `compare` sets them.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace lesson {

// Runs `python notebook_code.py NOTEBOOK -p NAME=VALUE... --quiet` and waits
// for it: the notebook's code cells in order, what they print discarded (a
// lesson reads what they write to files instead). A VALUE is taken as Python
// takes a notebook parameter (an int, True/False/None, a float, else a str).
// Throws std::runtime_error with one line if it cannot be run or fails.
void run_notebook_code(const std::string& python, const std::string& notebook,
                       const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace lesson
