#pragma once
// A fused float32 attention kernel for x86 CPUs with AVX2 and FMA: softmax(q kᵀ) v computed one
// block of queries and one block of keys at a time with the online softmax (Milakov & Gimelshein
// 2018; the same recurrence as FlashAttention, Dao et al. 2022), so scores never leave the core's
// caches and no score matrix is ever materialised. Head widths must be multiples of 8 (SD's 40, 64,
// 80, 160 are). Other CPUs and widths take the callers' generic path.
#include <cstdint>

namespace ds {

// Whether this CPU and these head widths (of q/k and of v) can take fused_attention_cpu.
bool fused_attention_cpu_available(int64_t qk_dim, int64_t v_dim);

// One float32 operand seen as [batch, heads, rows, width] with a contiguous last dimension: the
// head-split views of [batch, rows, heads * width] projections are read and written in place.
struct AttentionOperand {
    float* data;
    int64_t batch_stride, head_stride, row_stride;
};

struct AttentionSizes {
    int64_t batch, heads, query_rows, key_rows, qk_dim, v_dim;
};

// out = softmax(scale · q kᵀ) v for every (batch, head). Spreads (batch, head, query block) items
// over ATen's intra-op threads. Needs key_rows >= 1 and fused_attention_cpu_available.
void fused_attention_cpu(const AttentionSizes& sizes, const AttentionOperand& q, const AttentionOperand& k,
                         const AttentionOperand& v, const AttentionOperand& out, float scale);

}  // namespace ds
