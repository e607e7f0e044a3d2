#pragma once
// The "parameters" text that AUTOMATIC1111's web UI stores in its PNGs and that most Stable Diffusion
// tools (ComfyUI importers, Civitai, image browsers) read back:
//
//     <prompt>
//     Negative prompt: <negative>
//     Steps: 25, Sampler: Euler a, Schedule type: Karras, CFG scale: 7.5, Seed: 123, Size: 512x512, Model: m
//
// The negative line is left out when there is no negative prompt. A value holding ',', ':' or a
// newline is written as a JSON string, as A1111 does.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ds {

struct GenerationMetadata {
    std::string prompt;
    std::string negative_prompt;
    int steps = 25;
    std::string sampler =
        "euler-a";        // our sampler name (sampler_names()); an unknown A1111 name stays verbatim
    bool karras = false;  // Karras et al. 2022 sigmas ("Schedule type: Karras")
    double cfg_scale = 7.5;
    uint64_t seed = 0;
    int width = 512;
    int height = 512;
    std::string model;  // empty: not written
    int clip_skip = 0;  // written as "Clip skip: N" only when N > 1, as A1111 does
    // Keys this program does not interpret ("Model hash", "Version", ...), in their order, unquoted.
    std::vector<std::pair<std::string, std::string>> other;
    // Set by parse_parameters: whether the text ended in a settings line (else it was all prompt).
    bool has_settings = true;

    bool operator==(const GenerationMetadata& o) const;
    bool operator!=(const GenerationMetadata& o) const { return !(*this == o); }
};

// "euler-a" -> "Euler a", "dpmpp-2m" -> "DPM++ 2M", "pndm" -> "PLMS" (A1111's names); an unknown
// name is returned unchanged.
std::string sampler_display_name(const std::string& sampler);
// The inverse, also accepting A1111's older "<name> Karras" samplers (sets *karras). nullopt if unknown.
std::optional<std::string> sampler_from_display_name(const std::string& display, bool* karras = nullptr);

std::string format_parameters(const GenerationMetadata& metadata);

// Reads the text the way A1111's parse_generation_parameters does: the last line is the settings
// line when it holds at least three "Key: value" pairs; lines before it are the prompt until one
// starts with "Negative prompt:". Each prompt line is trimmed (so is A1111's). Throws
// std::invalid_argument naming the key when a known number (Steps, Seed, Size, ...) is malformed.
GenerationMetadata parse_parameters(const std::string& text);

// The shortest decimal text that reads back as exactly `value` ("7.5", "7", "0.1").
std::string format_number(double value);

}  // namespace ds
