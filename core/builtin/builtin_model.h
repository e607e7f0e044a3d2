#pragma once
// Loads the shipped built-in model (resources/models/builtin, written by `train export`) as a
// StableDiffusionModel, so every pipeline and sampler runs it exactly as it runs an SD checkpoint.
// Variants: "cosine" and "linear" (text-to-image UNets trained with that noise schedule, each with
// its own jointly trained text encoder) and "inpaint" (the 9-channel inpainting UNet).
#include <filesystem>
#include <string>
#include <vector>

#include "core/checkpoint/stable_diffusion_model.h"
#include "core/model/weights.h"

namespace ds {

struct BuiltinModelOptions {
    std::string dir;               // "" = find_builtin_model_dir()
    std::string variant = "cosine";
    std::string device = "auto";
};

// Throws std::runtime_error (ModelError, WeightError, SafetensorsError) with one line naming the
// problem: no model folder, an unknown or missing variant, a broken file.
StableDiffusionModel load_builtin_model(const BuiltinModelOptions& options = {});

// Whether `path` is a folder in the built-in model's format (a model.json and no model_index.json):
// what `train export` writes, so that `--model my-model` loads a model trained here.
bool is_builtin_model_dir(const std::string& path);

// The variants present in a model folder (those with both weight files), in the order above;
// "" = find_builtin_model_dir(), as BuiltinModelOptions::dir.
std::vector<std::string> builtin_variants(const std::string& dir);

// One of the model's fp16 weight files as float32 tensors on `device`.
WeightMap load_builtin_weights(const std::filesystem::path& path, const c10::Device& device);

}  // namespace ds
