#include "lesson/param.hpp"

#include <cctype>

#include "lesson/program.hpp"
#include "pyrepr/pyrepr.hpp"

namespace lesson {

Parameter::Parameter(Notebook* notebook, std::string name, std::string help)
    : name_(std::move(name)), help_(std::move(help)) {
  notebook->parameters_.push_back(this);
}

std::string Parameter::flag() const { return flag_of(name_); }

std::string Parameter::help_with_default(const std::string& shown) const {
  return help_ + " (default " + shown + ")";
}

CLI::Option* Parameter::finish(CLI::Option* option) const {
  for (const CLI::Validator& check : checks_) option->check(check);
  if (!type_name_.empty()) option->type_name(type_name_);
  return option;
}

std::string python_literal(bool value) { return value ? "True" : "False"; }
std::string python_literal(int64_t value) { return std::to_string(value); }
std::string python_literal(uint64_t value) { return std::to_string(value); }
std::string python_literal(double value) { return pyrepr::float_repr(value); }
std::string python_literal(const std::string& value) { return pyrepr::str_repr(value); }

CLI::Option* Seed::add_to(CLI::App& app) {
  return app
      .add_option_function<std::string>(
          flag(),
          [this](const std::string& text) {
            const auto parsed = parse_seed(text);
            if (!parsed) {
              throw CLI::ValidationError(
                  flag(), "expected an integer in [-2^63, 2^64-1], got '" + text + "'");
            }
            value_ = *parsed;
          },
          help_with_default(lesson::python_literal(value_)))
      ->type_name("N");
}

std::string flag_of(const std::string& name) {
  std::string flag = "--";
  for (const char c : name) {
    flag += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return flag;
}

void print_parameters(const Notebook& notebook, std::ostream& out) {
  for (const Parameter* parameter : notebook.parameters()) {
    out << parameter->name() << " = " << parameter->python_literal() << '\n';
  }
}

}  // namespace lesson
