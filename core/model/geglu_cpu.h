#pragma once
// GEGLU's gating at inference (Shazeer 2020, "GLU Variants Improve Transformer"): for each row of
// the feed-forward projection [value | gate], value *= gelu(gate), in place, with the exact (erf)
// GELU that diffusers' GEGLU uses. One pass over the rows instead of ATen's gelu, a new buffer and
// a multiply.
#include <cstdint>

namespace ds {

// rows x (2 * width) floats, row after row: the first `width` of each row become value * gelu(gate).
void geglu_rows_inplace(float* rows_data, int64_t rows, int64_t width);

}  // namespace ds
