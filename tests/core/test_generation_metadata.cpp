// The A1111 "parameters" text (core/pipeline/generation_metadata): the exact text we write, the
// sampler display names both ways, round trips of awkward values through format/parse, and parsing
// texts written by AUTOMATIC1111 itself (older "X Karras" sampler names, quoted values, unknown keys).
// To add a case: append a GenerationMetadata to the RoundTrip list, or an A1111 text with the fields
// it must give to ParsesA1111Texts.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/pipeline/generation_metadata.h"
#include "core/samplers/sampler.h"

namespace {

ds::GenerationMetadata astronaut() {
    ds::GenerationMetadata m;
    m.prompt = "a photo of an astronaut riding a horse";
    m.negative_prompt = "blurry";
    m.seed = 123;
    m.model = "tiny-sd1";
    return m;
}

}  // namespace

TEST(GenerationMetadata, FormatsTheA1111Layout) {
    EXPECT_EQ(ds::format_parameters(astronaut()),
              "a photo of an astronaut riding a horse\n"
              "Negative prompt: blurry\n"
              "Steps: 25, Sampler: Euler a, CFG scale: 7.5, Seed: 123, Size: 512x512, Model: tiny-sd1");

    ds::GenerationMetadata m = astronaut();
    m.negative_prompt.clear();
    m.sampler = "dpmpp-2m";
    m.karras = true;
    m.steps = 30;
    m.cfg_scale = 7;
    m.width = 768;
    m.height = 512;
    m.clip_skip = 2;
    m.model.clear();
    EXPECT_EQ(ds::format_parameters(m),
              "a photo of an astronaut riding a horse\n"
              "Steps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 123, Size: 768x512, "
              "Clip skip: 2");
}

TEST(GenerationMetadata, QuotesValuesThatWouldBreakTheLine) {
    ds::GenerationMetadata m = astronaut();
    m.model = "my model, v2: final";
    m.other = {{"Note", "say \"hi\"\nbye"}};
    const std::string text = ds::format_parameters(m);
    EXPECT_NE(text.find("Model: \"my model, v2: final\""), std::string::npos) << text;
    EXPECT_NE(text.find("Note: \"say \\\"hi\\\"\\nbye\""), std::string::npos) << text;
    EXPECT_EQ(ds::parse_parameters(text), m);
}

TEST(GenerationMetadata, EverySamplerHasAnA1111Name) {
    const std::vector<std::pair<std::string, std::string>> expected{
        {"euler-a", "Euler a"}, {"euler", "Euler"}, {"ddim", "DDIM"}, {"dpmpp-2m", "DPM++ 2M"},
        {"heun", "Heun"},       {"lms", "LMS"},     {"ddpm", "DDPM"}, {"pndm", "PLMS"}};
    for (const auto& [ours, display] : expected) {
        EXPECT_EQ(ds::sampler_display_name(ours), display);
        bool karras = false;
        EXPECT_EQ(ds::sampler_from_display_name(display, &karras), ours);
        EXPECT_FALSE(karras);
        EXPECT_EQ(ds::sampler_from_display_name(display + " Karras", &karras), ours);
        EXPECT_TRUE(karras) << display;
    }
    // Every sampler the registry knows is covered (a new sampler needs a display name here).
    for (const std::string& name : ds::sampler_names())
        EXPECT_NE(ds::sampler_display_name(name), name) << name << " has no A1111 name";
    EXPECT_EQ(ds::sampler_from_display_name("UniPC"), std::nullopt);
    EXPECT_EQ(ds::sampler_display_name("mystery"), "mystery");
}

TEST(GenerationMetadata, RoundTrip) {
    std::vector<ds::GenerationMetadata> cases;
    cases.push_back(astronaut());
    {
        ds::GenerationMetadata m;
        m.prompt = "line one\nline two: with colon, and comma";
        m.negative_prompt = "bad hands\nugly";
        m.sampler = "pndm";
        m.steps = 1;
        m.cfg_scale = 0.1;
        m.seed = std::numeric_limits<uint64_t>::max();
        m.width = 64;
        m.height = 4096;
        m.model = "sd, \"quoted\" \\ name";
        m.clip_skip = 2;
        cases.push_back(m);
    }
    {
        ds::GenerationMetadata m;
        m.prompt = "宇宙飛行士 🐴 (masterpiece:1.2), [cat|dog]";
        m.sampler = "heun";
        m.karras = true;
        m.cfg_scale = 12.25;
        m.seed = 0;
        m.other = {{"Model hash", "cc6cb27103"}, {"Version", "v1.9.0"}, {"Lora hashes", "a: 1, b: 2"}};
        cases.push_back(m);
    }
    {
        ds::GenerationMetadata m;  // empty prompt, empty model
        m.prompt = "";
        m.sampler = "ddim";
        cases.push_back(m);
    }
    for (const ds::GenerationMetadata& m : cases) {
        const std::string text = ds::format_parameters(m);
        const ds::GenerationMetadata back = ds::parse_parameters(text);
        EXPECT_EQ(back.prompt, m.prompt) << text;
        EXPECT_EQ(back.negative_prompt, m.negative_prompt) << text;
        EXPECT_EQ(back.sampler, m.sampler) << text;
        EXPECT_EQ(back.seed, m.seed) << text;
        EXPECT_EQ(back.cfg_scale, m.cfg_scale) << text;
        EXPECT_EQ(back.model, m.model) << text;
        EXPECT_EQ(back.other, m.other) << text;
        EXPECT_EQ(back, m) << text;
        EXPECT_EQ(ds::format_parameters(back), text);
    }
}

TEST(GenerationMetadata, ParsesA1111Texts) {
    // As AUTOMATIC1111 1.6 wrote it: old "<sampler> Karras" name, model hash, a quoted Lora list.
    const ds::GenerationMetadata old = ds::parse_parameters(
        "masterpiece, best quality, 1girl\n"
        "  sitting on a bench  \n"
        "Negative prompt: lowres, bad anatomy\n"
        "worst quality\n"
        "Steps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1234567890, Size: 512x768, "
        "Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Lora hashes: \"add_detail: 7c6bad76eb54, x: "
        "1\", "
        "Version: v1.6.0");
    EXPECT_TRUE(old.has_settings);
    EXPECT_EQ(old.prompt, "masterpiece, best quality, 1girl\nsitting on a bench");
    EXPECT_EQ(old.negative_prompt, "lowres, bad anatomy\nworst quality");
    EXPECT_EQ(old.steps, 20);
    EXPECT_EQ(old.sampler, "dpmpp-2m");
    EXPECT_TRUE(old.karras);
    EXPECT_EQ(old.cfg_scale, 7.0);
    EXPECT_EQ(old.seed, 1234567890u);
    EXPECT_EQ(old.width, 512);
    EXPECT_EQ(old.height, 768);
    EXPECT_EQ(old.model, "v1-5-pruned-emaonly");
    const std::vector<std::pair<std::string, std::string>> other{
        {"Model hash", "6ce0161689"},
        {"Lora hashes", "add_detail: 7c6bad76eb54, x: 1"},
        {"Version", "v1.6.0"}};
    EXPECT_EQ(old.other, other);

    // A1111 1.9+: the schedule is its own key; an unknown sampler stays verbatim.
    const ds::GenerationMetadata recent = ds::parse_parameters(
        "cat\nSteps: 28, Sampler: UniPC, Schedule type: Exponential, CFG scale: 4.5, Seed: 7, Size: "
        "1024x1024");
    EXPECT_EQ(recent.sampler, "UniPC");
    EXPECT_FALSE(recent.karras);
    EXPECT_EQ(recent.cfg_scale, 4.5);
    EXPECT_EQ(recent.other,
              (std::vector<std::pair<std::string, std::string>>{{"Schedule type", "Exponential"}}));
    EXPECT_EQ(recent.model, "");
}

TEST(GenerationMetadata, TextWithoutSettingsIsAllPrompt) {
    // Fewer than three "Key: value" pairs on the last line: it belongs to the prompt (A1111's rule).
    const ds::GenerationMetadata m = ds::parse_parameters("a cat\nstyle: watercolor, mood: calm");
    EXPECT_FALSE(m.has_settings);
    EXPECT_EQ(m.prompt, "a cat\nstyle: watercolor, mood: calm");
    EXPECT_TRUE(m.other.empty());
}

TEST(GenerationMetadata, MalformedKnownNumbersNameTheKey) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"x\nSteps: many, Sampler: Euler, Seed: 1", "Steps"},
        {"x\nSteps: 20, Sampler: Euler, Seed: -5", "Seed"},
        {"x\nSteps: 20, Sampler: Euler, Size: 512", "Size"},
        {"x\nSteps: 20, Sampler: Euler, Size: 512xabc", "Size"},
        {"x\nSteps: 20, Sampler: Euler, CFG scale: seven", "CFG scale"},
        {"x\nSteps: 20, Sampler: Euler, CFG scale: nan", "CFG scale"},
    };
    for (const auto& [text, key] : cases) {
        try {
            ds::parse_parameters(text);
            ADD_FAILURE() << "no error for: " << text;
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
        }
    }
}

TEST(GenerationMetadata, NumbersUseTheShortestExactText) {
    EXPECT_EQ(ds::format_number(7.5), "7.5");
    EXPECT_EQ(ds::format_number(7.0), "7");
    EXPECT_EQ(ds::format_number(0.1), "0.1");
    EXPECT_EQ(ds::format_number(1.0 / 3.0), "0.3333333333333333");
    for (double v : {1e-7, 123.456, 100.0, 2.0 / 7.0})
        EXPECT_EQ(std::strtod(ds::format_number(v).c_str(), nullptr), v);
}
