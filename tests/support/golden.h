#pragma once
// Reading the reference implementations' golden tensors and per-case tolerances
// (../shared/fixtures/sd-tiny/golden/*.safetensors and manifest.json).
#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <string>

#include "core/io/safetensors.h"

namespace ds::test {

// The manifest entry of one case: files[<file>].cases[name == <case_name>].
const nlohmann::json& manifest_case(const std::string& file, const std::string& case_name);
// tolerance.max_abs of a case (per-output bound when tolerances_per_output has one).
double case_max_abs(const std::string& file, const std::string& case_name, const std::string& output = "");

// A golden tensor converted to float64 (CPU).
at::Tensor golden_tensor(const SafetensorsFile& file, const std::string& name);

// Largest absolute difference, after moving both to double.
double max_abs_diff(const at::Tensor& a, const at::Tensor& b);

}  // namespace ds::test
