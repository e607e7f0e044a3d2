#pragma once
// Turning weight files into a WeightMap (the named tensors the networks load from).
#include <string>

#include "core/io/safetensors.h"
#include "core/model/weights.h"

namespace ds {

// Every tensor of `file` whose name starts with `strip_prefix`, named without that prefix, in its
// stored dtype (WeightMap::get converts to float32). Tensors outside the prefix are left out, so one
// component can be taken from a single-file checkpoint, e.g. strip_prefix
// "cond_stage_model.transformer." gives the text encoder's "text_model.*" names. The tensors view
// the file's mapping (no copy), which stays alive as long as they do.
WeightMap weights_from_safetensors(const SafetensorsFile& file, const std::string& strip_prefix = "");

}  // namespace ds
