#include "app/cli/arg_parser.h"

#include <algorithm>
#include <cstdlib>
#include <cmath>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <sstream>

namespace ds::cli {

ArgParser::ArgParser(std::string usage, std::string description)
    : usage_(std::move(usage)), description_(std::move(description)) {}

ArgParser& ArgParser::option(const std::string& name, const std::string& value_name, const std::string& help,
                             std::optional<std::string> default_value) {
    order_.push_back(name);
    specs_[name] = Spec{value_name.empty() ? "VALUE" : value_name, help, std::move(default_value)};
    return *this;
}

ArgParser& ArgParser::flag(const std::string& name, const std::string& help) {
    order_.push_back(name);
    specs_[name] = Spec{"", help, std::nullopt};
    return *this;
}

const ArgParser::Spec& ArgParser::spec(const std::string& name) const {
    const auto it = specs_.find(name);
    if (it == specs_.end()) throw std::logic_error("ArgParser: option --" + name + " was never declared");
    return it->second;
}

void ArgParser::parse(const std::vector<std::string>& args) {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            help_requested_ = true;
            return;
        }
        if (arg.rfind("--", 0) != 0 || arg.size() == 2)
            throw UsageError("unexpected argument '" + arg + "'");
        const size_t eq = arg.find('=');
        const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const auto it = specs_.find(name);
        if (it == specs_.end()) throw UsageError("unknown option '--" + name + "'");
        if (values_.count(name)) throw UsageError("option '--" + name + "' given twice");
        const bool is_flag = it->second.value_name.empty();
        if (is_flag) {
            if (eq != std::string::npos) throw UsageError("option '--" + name + "' takes no value");
            values_[name] = "1";
            continue;
        }
        if (eq != std::string::npos) {
            values_[name] = arg.substr(eq + 1);
            continue;
        }
        if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0)
            throw UsageError("option '--" + name + "' needs a value (" + it->second.value_name + ")");
        values_[name] = args[++i];
    }
}

bool ArgParser::has(const std::string& name) const {
    return values_.count(name) > 0 || spec(name).default_value.has_value();
}

std::string ArgParser::value(const std::string& name) const {
    const Spec& s = spec(name);
    if (const auto it = values_.find(name); it != values_.end()) return it->second;
    if (s.default_value) return *s.default_value;
    throw UsageError("missing required option '--" + name + " " + s.value_name + "'");
}

bool ArgParser::flag_set(const std::string& name) const {
    spec(name);
    return values_.count(name) > 0;
}

std::string ArgParser::help_text() const {
    std::ostringstream out;
    out << "usage: diffusion-studio-cli " << usage_ << "\n\n" << description_ << "\n";
    if (order_.empty()) return out.str();
    out << "\noptions:\n";
    std::vector<std::string> left;
    size_t width = std::string("-h, --help").size();
    for (const std::string& name : order_) {
        const Spec& s = specs_.at(name);
        left.push_back("--" + name + (s.value_name.empty() ? "" : " " + s.value_name));
        width = std::max(width, left.back().size());
    }
    for (size_t i = 0; i < order_.size(); ++i) {
        const Spec& s = specs_.at(order_[i]);
        out << "  " << left[i] << std::string(width - left[i].size() + 2, ' ') << s.help;
        if (s.default_value) out << " (default: " << *s.default_value << ")";
        out << "\n";
    }
    out << "  " << "-h, --help" << std::string(width - 10 + 2, ' ') << "show this help\n";
    return out.str();
}

int parse_int(const std::string& text, const std::string& what) {
    int value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec == std::errc::result_out_of_range) throw UsageError(what + ": '" + text + "' is out of range");
    if (text.empty() || ec != std::errc() || ptr != end) throw UsageError(what + ": '" + text + "' is not an integer");
    return value;
}

uint64_t parse_uint64(const std::string& text, const std::string& what) {
    uint64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec == std::errc::result_out_of_range) throw UsageError(what + ": '" + text + "' is out of range");
    if (text.empty() || ec != std::errc() || ptr != end)
        throw UsageError(what + ": '" + text + "' is not a non-negative integer");
    return value;
}

std::vector<std::string> split_list(const std::string& text, const std::string& what) {
    std::vector<std::string> items;
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (item.empty()) throw UsageError(what + ": empty item in '" + text + "'");
        items.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return items;
}

std::vector<int> parse_int_list(const std::string& text, const std::string& what) {
    std::vector<int> out;
    for (const std::string& item : split_list(text, what)) out.push_back(parse_int(item, what));
    return out;
}

double parse_number(const std::string& text, const std::string& what) {
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])) || end != text.c_str() + text.size())
        throw UsageError(what + ": '" + text + "' is not a number");
    if (errno == ERANGE || !std::isfinite(value)) throw UsageError(what + ": '" + text + "' is not a finite number");
    return value;
}

}  // namespace ds::cli
