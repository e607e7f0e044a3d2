#include "tests/support/golden.h"

#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <stdexcept>

#include "tests/support/fixtures.h"

namespace ds::test {
namespace {

// Python's json writes the non-standard tokens NaN, Infinity and -Infinity (e.g. DPM-Solver's
// lambda_min_clipped); strict JSON parsers refuse them, so they become strings before parsing.
std::string quote_python_specials(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            out += c;
            if (c == '\\' && i + 1 < text.size()) out += text[++i];
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        bool replaced = false;
        for (const char* token : {"-Infinity", "Infinity", "NaN"}) {
            const size_t n = std::char_traits<char>::length(token);
            if (text.compare(i, n, token) == 0) {
                out += std::string("\"") + token + "\"";
                i += n - 1;
                replaced = true;
                break;
            }
        }
        if (!replaced) out += c;
    }
    return out;
}

const nlohmann::json& manifest() {
    static const nlohmann::json json = [] {
        std::ifstream in(sd_tiny_path("manifest.json"));
        if (!in) throw std::runtime_error("cannot open " + sd_tiny_path("manifest.json"));
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        return nlohmann::json::parse(quote_python_specials(text));
    }();
    return json;
}

}  // namespace

const nlohmann::json& manifest_case(const std::string& file, const std::string& case_name) {
    for (const auto& c : manifest().at("files").at(file).at("cases")) {
        if (c.at("name") == case_name) return c;
    }
    throw std::runtime_error("manifest has no case '" + case_name + "' in " + file);
}

double case_max_abs(const std::string& file, const std::string& case_name, const std::string& output) {
    const auto& c = manifest_case(file, case_name);
    if (!output.empty() && c.contains("tolerances_per_output") && c["tolerances_per_output"].contains(output)) {
        return c["tolerances_per_output"][output].at("max_abs").get<double>();
    }
    return c.at("tolerance").at("max_abs").get<double>();
}

at::Tensor golden_tensor(const SafetensorsFile& file, const std::string& name) {
    return file.tensor(name).to(at::kDouble);
}

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
    if (!a.sizes().equals(b.sizes())) return std::numeric_limits<double>::infinity();
    if (a.numel() == 0) return 0.0;
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

}  // namespace ds::test
