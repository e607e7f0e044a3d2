#include "core/pipeline/generation_metadata.h"

#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace ds {
namespace {

struct SamplerName {
    const char* ours;
    const char* display;
};

// A1111's names for the samplers we have (k-diffusion's and the compvis ones).
constexpr std::array<SamplerName, 8> kSamplerNames{{
    {"euler-a", "Euler a"},
    {"euler", "Euler"},
    {"ddim", "DDIM"},
    {"dpmpp-2m", "DPM++ 2M"},
    {"heun", "Heun"},
    {"lms", "LMS"},
    {"ddpm", "DDPM"},
    {"pndm", "PLMS"},
}};

constexpr const char* kNegativePrefix = "Negative prompt:";
constexpr const char* kWhitespace = " \t\r\n\f\v";

std::string trim(const std::string& s) {
    const size_t begin = s.find_first_not_of(kWhitespace);
    if (begin == std::string::npos) return {};
    return s.substr(begin, s.find_last_not_of(kWhitespace) - begin + 1);
}

// A1111's quote(): plain unless the value would break the "Key: value, ..." line. We also quote a
// value starting with '"', which A1111's unquote() would otherwise strip.
std::string quote(const std::string& value) {
    if (value.find_first_of(",:\n") == std::string::npos && (value.empty() || value.front() != '"'))
        return value;
    return nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string unquote(const std::string& value) {
    if (value.size() < 2 || value.front() != '"' || value.back() != '"') return value;
    try {
        const nlohmann::json j = nlohmann::json::parse(value);
        if (j.is_string()) return j.get<std::string>();
    } catch (const nlohmann::json::exception&) {
    }
    return value;
}

// \w of Python's Unicode regexes, approximated: ASCII letters, digits, '_' and any non-ASCII byte.
bool is_word(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }
bool is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// One match of A1111's re_param, \s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$), at `pos`.
// Returns the position after the match, or npos when the pattern does not match there.
size_t match_param(const std::string& line, size_t pos, std::string& key, std::string& value) {
    const size_t n = line.size();
    size_t p = pos;
    while (p < n && is_space(static_cast<unsigned char>(line[p]))) ++p;
    if (p >= n || !is_word(static_cast<unsigned char>(line[p]))) return std::string::npos;
    size_t q = p + 1;
    auto key_char = [](unsigned char c) { return is_word(c) || c == ' ' || c == '-' || c == '/'; };
    while (q < n && key_char(static_cast<unsigned char>(line[q]))) ++q;
    if (q - p < 2 || q >= n || line[q] != ':') return std::string::npos;
    key = line.substr(p, q - p);
    size_t v = q + 1;
    while (v < n && is_space(static_cast<unsigned char>(line[v]))) ++v;
    if (v < n && line[v] == '"') {  // the quoted alternative, if it is followed by ',' or the end
        size_t e = v + 1;
        while (e < n && line[e] != '"') e += (line[e] == '\\' && e + 1 < n) ? 2 : 1;
        if (e < n && e > v + 1 && (e + 1 == n || line[e + 1] == ',')) {
            value = line.substr(v, e + 1 - v);
            return e + 1 == n ? n : e + 2;
        }
    }
    size_t e = line.find(',', v);
    if (e == std::string::npos) e = n;
    value = line.substr(v, e - v);
    return e == n ? n : e + 1;
}

std::vector<std::pair<std::string, std::string>> find_params(const std::string& line) {
    std::vector<std::pair<std::string, std::string>> out;
    size_t pos = 0;
    while (pos < line.size()) {
        std::string key, value;
        const size_t next = match_param(line, pos, key, value);
        if (next == std::string::npos) {
            ++pos;  // findall() retries one character further
            continue;
        }
        out.emplace_back(trim(key), value);
        pos = next;
    }
    return out;
}

[[noreturn]] void bad_value(const std::string& key, const std::string& value, const std::string& expected) {
    throw std::invalid_argument("parameters: " + key + " '" + value + "' is not " + expected);
}

template <typename Int>
Int parse_integer(const std::string& key, const std::string& text) {
    Int value{};
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end) bad_value(key, text, "an integer in range");
    return value;
}

double parse_double(const std::string& key, const std::string& text) {
    if (text.empty() || is_space(static_cast<unsigned char>(text.front()))) bad_value(key, text, "a number");
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (errno != 0 || end != text.c_str() + text.size() || !std::isfinite(value))
        bad_value(key, text, "a number");
    return value;
}

}  // namespace

bool GenerationMetadata::operator==(const GenerationMetadata& o) const {
    return prompt == o.prompt && negative_prompt == o.negative_prompt && steps == o.steps &&
           sampler == o.sampler && karras == o.karras && cfg_scale == o.cfg_scale && seed == o.seed &&
           width == o.width && height == o.height && model == o.model && clip_skip == o.clip_skip &&
           other == o.other && has_settings == o.has_settings;
}

std::string sampler_display_name(const std::string& sampler) {
    for (const SamplerName& s : kSamplerNames)
        if (sampler == s.ours) return s.display;
    return sampler;
}

std::optional<std::string> sampler_from_display_name(const std::string& display, bool* karras) {
    std::string name = trim(display);
    bool with_karras = false;
    const std::string suffix = " Karras";  // A1111 before 1.9 folded the schedule into the name
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        name.resize(name.size() - suffix.size());
        with_karras = true;
    }
    for (const SamplerName& s : kSamplerNames) {
        if (name == s.display) {
            if (karras && with_karras) *karras = true;
            return std::string(s.ours);
        }
    }
    return std::nullopt;
}

std::string format_number(double value) {
    char buffer[64];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
        if (std::strtod(buffer, nullptr) == value) break;
    }
    return buffer;
}

std::string format_parameters(const GenerationMetadata& m) {
    std::string text = m.prompt + "\n";
    if (!m.negative_prompt.empty()) text += std::string(kNegativePrefix) + " " + m.negative_prompt + "\n";
    std::vector<std::pair<std::string, std::string>> items{
        {"Steps", std::to_string(m.steps)},
        {"Sampler", sampler_display_name(m.sampler)},
    };
    if (m.karras) items.emplace_back("Schedule type", "Karras");
    items.emplace_back("CFG scale", format_number(m.cfg_scale));
    items.emplace_back("Seed", std::to_string(m.seed));
    items.emplace_back("Size", std::to_string(m.width) + "x" + std::to_string(m.height));
    if (!m.model.empty()) items.emplace_back("Model", m.model);
    if (m.clip_skip > 1) items.emplace_back("Clip skip", std::to_string(m.clip_skip));
    items.insert(items.end(), m.other.begin(), m.other.end());
    std::string line;
    for (const auto& [key, value] : items) line += (line.empty() ? "" : ", ") + key + ": " + quote(value);
    return text + line;
}

GenerationMetadata parse_parameters(const std::string& text) {
    std::vector<std::string> lines;
    const std::string body = trim(text);
    for (size_t start = 0;;) {
        const size_t nl = body.find('\n', start);
        lines.push_back(body.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    std::vector<std::pair<std::string, std::string>> params = find_params(lines.back());
    GenerationMetadata m;
    m.has_settings = params.size() >= 3;
    if (m.has_settings) {
        lines.pop_back();
    } else {
        params.clear();
    }

    bool in_negative = false;
    for (std::string line : lines) {
        line = trim(line);
        if (line.rfind(kNegativePrefix, 0) == 0) {
            in_negative = true;
            line = trim(line.substr(std::string(kNegativePrefix).size()));
        }
        std::string& target = in_negative ? m.negative_prompt : m.prompt;
        target += (target.empty() ? "" : "\n") + line;
    }

    bool sampler_karras = false;
    for (auto& [key, raw] : params) {
        const std::string value = unquote(raw);
        if (key == "Steps") {
            m.steps = parse_integer<int>(key, value);
        } else if (key == "Sampler") {
            const auto ours = sampler_from_display_name(value, &sampler_karras);
            m.sampler = ours ? *ours : value;
        } else if (key == "Schedule type" && value == "Karras") {
            m.karras = true;
        } else if (key == "CFG scale") {
            m.cfg_scale = parse_double(key, value);
        } else if (key == "Seed") {
            m.seed = parse_integer<uint64_t>(key, value);
        } else if (key == "Size") {
            const size_t x = value.find('x');
            if (x == std::string::npos) bad_value(key, value, "WIDTHxHEIGHT");
            m.width = parse_integer<int>(key, value.substr(0, x));
            m.height = parse_integer<int>(key, value.substr(x + 1));
        } else if (key == "Model") {
            m.model = value;
        } else if (key == "Clip skip") {
            m.clip_skip = parse_integer<int>(key, value);
        } else {
            m.other.emplace_back(key, value);
        }
    }
    if (sampler_karras) m.karras = true;
    return m;
}

}  // namespace ds
