#pragma once
// A small command-line parser: `--opt value`, `--opt=value`, flags, `--help`/`-h`. Anything else
// (an unknown option, a missing value, a stray argument) is a UsageError naming it.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ds::cli {

// Bad command-line input: main() prints it as one line and exits with status 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ArgParser {
public:
    // `usage` is the synopsis after the program name, e.g. "schedule [--kind K] ...".
    ArgParser(std::string usage, std::string description);

    // An option taking a value; without a default it is required unless the command checks has().
    ArgParser& option(const std::string& name, const std::string& value_name, const std::string& help,
                      std::optional<std::string> default_value = std::nullopt);
    ArgParser& flag(const std::string& name, const std::string& help);

    // `args` excludes the program and command names. Throws UsageError.
    void parse(const std::vector<std::string>& args);

    bool help_requested() const { return help_requested_; }
    bool has(const std::string& name) const;        // given, or has a default
    std::string value(const std::string& name) const;  // throws UsageError "missing --name"
    bool flag_set(const std::string& name) const;
    std::string help_text() const;

private:
    struct Spec {
        std::string value_name;  // empty for a flag
        std::string help;
        std::optional<std::string> default_value;
    };
    const Spec& spec(const std::string& name) const;

    std::string usage_;
    std::string description_;
    std::vector<std::string> order_;
    std::map<std::string, Spec> specs_;
    std::map<std::string, std::string> values_;
    bool help_requested_ = false;
};

// Strict number parsing: the whole text must be the number ("10x", "", " 5" are refused).
// `what` names the input in the error, e.g. "--seed".
int parse_int(const std::string& text, const std::string& what);
uint64_t parse_uint64(const std::string& text, const std::string& what);
double parse_number(const std::string& text, const std::string& what);  // finite only
// "0,100,250": comma-separated, no empty items.
std::vector<std::string> split_list(const std::string& text, const std::string& what);
std::vector<int> parse_int_list(const std::string& text, const std::string& what);

}  // namespace ds::cli
