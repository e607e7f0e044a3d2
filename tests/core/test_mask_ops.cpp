// Asserts the canvas mask operations: a mask maps to the latent grid conservatively (a cell is
// repainted when any of its pixels is covered, then grown by one cell), also when the processed
// image is scaled; covering starts at half an 8-bit level; feathering only adds an outward band of
// the given radius (checked against a brute-force distance), leaving pixels beyond it exactly 0;
// the composite copies uncovered pixels bit for bit and blends covered ones; and the image helpers
// (edge padding, crop, paste, mask from an RGBA image, only-masked planning) behave as documented.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/pipeline/canvas_image.h"
#include "core/pipeline/mask_ops.h"
#include "core/pipeline/only_masked.h"

namespace {

ds::Image empty_mask(int w, int h) { return ds::Image(w, h, 1, 0.0f); }

std::vector<std::pair<int, int>> set_cells(const ds::LatentMask& m) {
    std::vector<std::pair<int, int>> out;
    for (int r = 0; r < m.rows; ++r)
        for (int c = 0; c < m.cols; ++c)
            if (m.at(c, r)) out.emplace_back(c, r);
    return out;
}

TEST(MaskOps, OnePixelRepaintsItsCellPlusOneCellAround) {
    ds::Image mask = empty_mask(64, 48);
    mask.at(19, 13, 0) = 1.0f;  // cell (2, 1) with factor 8
    const ds::LatentMask exact = ds::latent_cells(mask, 8, 0);
    ASSERT_EQ(exact.cols, 8);
    ASSERT_EQ(exact.rows, 6);
    EXPECT_EQ(set_cells(exact), (std::vector<std::pair<int, int>>{{2, 1}}));
    const ds::LatentMask grown = ds::latent_cells(mask, 8, 1);
    EXPECT_EQ(grown.count(), 9);
    for (int r = 0; r < grown.rows; ++r)
        for (int c = 0; c < grown.cols; ++c)
            EXPECT_EQ(grown.at(c, r), c >= 1 && c <= 3 && r >= 0 && r <= 2) << c << "," << r;
}

TEST(MaskOps, CellIsRepaintedWhenAnyPixelIsCoveredEvenFaintly) {
    ds::Image mask = empty_mask(32, 32);
    mask.at(8, 8, 0) = 1.0f / 255;        // the first pixel of cell (1, 1): covered
    mask.at(31, 31, 0) = 0.4f / 255;      // below half a level: not covered
    EXPECT_EQ(set_cells(ds::latent_cells(mask, 8, 0)), (std::vector<std::pair<int, int>>{{1, 1}}));
    EXPECT_TRUE(ds::mask_covers(1.0f / 255));
    EXPECT_FALSE(ds::mask_covers(0.4f / 255));
    // Growing stops at the grid's border.
    ds::Image corner = empty_mask(32, 32);
    corner.at(0, 0, 0) = 1;
    EXPECT_EQ(ds::latent_cells(corner, 8, 1).count(), 4);
    EXPECT_EQ(ds::latent_cells(corner, 8, 2).count(), 9);
}

TEST(MaskOps, SidesThatAreNotMultiplesOfTheFactorGetAPartialLastCell) {
    ds::Image mask = empty_mask(13, 11);
    mask.at(12, 10, 0) = 1;
    const ds::LatentMask m = ds::latent_cells(mask, 8, 0);
    EXPECT_EQ(m.cols, 2);
    EXPECT_EQ(m.rows, 2);
    EXPECT_EQ(set_cells(m), (std::vector<std::pair<int, int>>{{1, 1}}));
    // The padded grid of the pipeline (64x64 for a 13x11 image) maps the same pixel to the same cell.
    ds::LatentGrid grid;
    grid.cols = grid.rows = 8;
    EXPECT_EQ(set_cells(ds::latent_cells(mask, grid, 0)), (std::vector<std::pair<int, int>>{{1, 1}}));
}

TEST(MaskOps, ScaledGridMarksEveryCellAPixelOverlaps) {
    // A 10x10 crop processed at 64x64 (scale 6.4): pixel 1 spans [6.4, 12.8) -> cells 0 and 1.
    ds::Image mask = empty_mask(10, 10);
    mask.at(1, 5, 0) = 1;  // rows [32, 38.4) -> row 4 only
    ds::LatentGrid grid;
    grid.cols = grid.rows = 8;
    grid.scale_x = grid.scale_y = 6.4;
    EXPECT_EQ(set_cells(ds::latent_cells(mask, grid, 0)), (std::vector<std::pair<int, int>>{{0, 4}, {1, 4}}));
    // Shrinking (scale 0.5): pixels 14 and 15 both land in cell 0 of a factor-8 grid.
    ds::Image big = empty_mask(32, 32);
    big.at(15, 0, 0) = 1;
    grid.cols = grid.rows = 2;
    grid.scale_x = grid.scale_y = 0.5;
    EXPECT_EQ(set_cells(ds::latent_cells(big, grid, 0)), (std::vector<std::pair<int, int>>{{0, 0}}));
}

TEST(MaskOps, CellsBackToPixelsCoverWholeCells) {
    ds::Image mask = empty_mask(20, 20);
    mask.at(9, 9, 0) = 1;
    const ds::Image pixels = ds::latent_cells_to_pixels(ds::latent_cells(mask, 8, 0), 8, 20, 20);
    for (int y = 0; y < 20; ++y)
        for (int x = 0; x < 20; ++x)
            EXPECT_EQ(pixels.at(x, y, 0), (x >= 8 && x < 16 && y >= 8 && y < 16) ? 1.0f : 0.0f);
}

TEST(MaskOps, FeatherAddsAnOutwardBandOfTheRadiusOnly) {
    ds::Image mask = empty_mask(40, 30);
    for (int y = 10; y < 20; ++y)
        for (int x = 12; x < 22; ++x) mask.at(x, y, 0) = 1;
    EXPECT_EQ(ds::feather_mask(mask, 0).pixels, mask.pixels);
    const int radius = 5;
    const ds::Image f = ds::feather_mask(mask, radius);
    for (int y = 0; y < 30; ++y) {
        for (int x = 0; x < 40; ++x) {
            double best = 1e9;  // brute-force distance to the painted square
            for (int sy = 10; sy < 20; ++sy)
                for (int sx = 12; sx < 22; ++sx) best = std::min(best, std::hypot(x - sx, y - sy));
            const float w = f.at(x, y, 0);
            if (best == 0) {
                EXPECT_EQ(w, 1.0f);
            } else if (best >= radius + 1) {
                EXPECT_EQ(w, 0.0f) << x << "," << y;
            } else {
                const double t = 1.0 - best / (radius + 1);
                EXPECT_NEAR(w, t * t * (3 - 2 * t), 1e-6) << x << "," << y;
                EXPECT_GT(w, 0.0f);
            }
        }
    }
    // Monotonic away from the edge along a row.
    for (int x = 12; x > 12 - radius - 1; --x) EXPECT_GE(f.at(x, 15, 0), f.at(x - 1, 15, 0));
}

TEST(MaskOps, FeatherMatchesBruteForceOnARandomMask) {
    std::mt19937 rng(3);
    ds::Image mask = empty_mask(23, 17);
    for (float& v : mask.pixels) v = (rng() % 13 == 0) ? 1.0f : 0.0f;
    const ds::Image f = ds::feather_mask(mask, 3);
    for (int y = 0; y < 17; ++y) {
        for (int x = 0; x < 23; ++x) {
            double best = 1e9;
            for (int sy = 0; sy < 17; ++sy)
                for (int sx = 0; sx < 23; ++sx)
                    if (mask.at(sx, sy, 0) >= 0.5f) best = std::min(best, std::hypot(x - sx, y - sy));
            double expected = 0;
            if (best == 0) expected = 1;
            else if (best < 4) {
                const double t = 1.0 - best / 4;
                expected = t * t * (3 - 2 * t);
            }
            EXPECT_NEAR(f.at(x, y, 0), expected, 1e-6) << x << "," << y;
        }
    }
}

TEST(MaskOps, CompositeCopiesUncoveredPixelsExactlyAndBlendsCovered) {
    ds::Image original(3, 1, 4);
    original.pixels = {0.1f, 0.2f, 0.3f, 0.25f, 0.4f, 0.5f, 0.6f, 0.5f, 0.7f, 0.8f, 0.9f, 1.0f};
    ds::Image generated(3, 1, 3);
    generated.pixels = {1, 1, 1, 0, 0, 0, 0.5f, 0.5f, 0.5f};
    ds::Image weight(3, 1, 1);
    weight.pixels = {0.0f, 1.0f, 0.5f};
    const ds::Image out = ds::composite_masked(original, generated, weight);
    ASSERT_EQ(out.channels, 4);
    for (int c = 0; c < 4; ++c) EXPECT_EQ(out.at(0, 0, c), original.at(0, 0, c));  // untouched, alpha too
    EXPECT_EQ(out.at(1, 0, 0), 0.0f);
    EXPECT_EQ(out.at(1, 0, 3), 1.0f);  // fully repainted pixels are opaque
    EXPECT_FLOAT_EQ(out.at(2, 0, 0), 0.5f * 0.7f + 0.5f * 0.5f);
    EXPECT_FLOAT_EQ(out.at(2, 0, 3), 1.0f);
    // Grey is promoted to RGB, values copied.
    ds::Image grey(1, 1, 1, 0.3f);
    const ds::Image rgb = ds::composite_masked(grey, ds::Image(1, 1, 3, 0.9f), ds::Image(1, 1, 1, 0.0f));
    EXPECT_EQ(rgb.pixels, (std::vector<float>{0.3f, 0.3f, 0.3f}));
    EXPECT_THROW(ds::composite_masked(grey, ds::Image(2, 1, 3), ds::Image(1, 1, 1)), std::invalid_argument);
}

TEST(MaskOps, MaskFromImageUsesBrightnessAndAlpha) {
    ds::Image rgba(3, 1, 4);
    rgba.pixels = {1, 1, 1, 1, 1, 1, 1, 0, 0.3f, 0.6f, 0.9f, 1};
    const ds::Image m = ds::mask_from_image(rgba);
    ASSERT_EQ(m.channels, 1);
    EXPECT_EQ(m.pixels[0], 1.0f);
    EXPECT_EQ(m.pixels[1], 0.0f);  // transparent white: keep
    EXPECT_FLOAT_EQ(m.pixels[2], 0.6f);
    EXPECT_TRUE(ds::mask_is_empty(ds::mask_from_image(ds::Image(4, 4, 3, 0.0f))));
    EXPECT_FALSE(ds::mask_is_empty(m));
    const ds::PixelRect box = ds::mask_bounds(m);
    EXPECT_EQ(box.x, 0);
    EXPECT_EQ(box.width, 3);
}

TEST(CanvasImage, PadCropPasteKeepPixelsExactly) {
    ds::Image img(3, 2, 3);
    for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = 0.01f * static_cast<float>(i) + 1e-7f;
    const ds::Image padded = ds::pad_edge(img, 2, 1, 3, 4);
    ASSERT_EQ(padded.width, 8);
    ASSERT_EQ(padded.height, 7);
    for (int y = 0; y < 7; ++y)
        for (int x = 0; x < 8; ++x)
            for (int c = 0; c < 3; ++c)
                EXPECT_EQ(padded.at(x, y, c), img.at(std::clamp(x - 2, 0, 2), std::clamp(y - 1, 0, 1), c));
    const ds::Image back = ds::crop_image(padded, {2, 1, 3, 2});
    EXPECT_EQ(back.pixels, img.pixels);
    ds::Image target(8, 7, 3, 0.5f);
    ds::paste_image(target, img, 5, 5);
    EXPECT_EQ(ds::crop_image(target, {5, 5, 3, 2}).pixels, img.pixels);
    EXPECT_EQ(target.at(4, 5, 0), 0.5f);
    EXPECT_THROW(ds::paste_image(target, img, 6, 5), std::invalid_argument);
    EXPECT_THROW(ds::crop_image(img, {1, 0, 3, 2}), std::invalid_argument);
    EXPECT_EQ(ds::round_up_to(70, 8, 64), 72);
    EXPECT_EQ(ds::round_up_to(33, 8, 64), 64);
}

TEST(CanvasImage, ResizeKeepsAFlatColourAndTheSize) {
    const ds::Image flat(37, 21, 3, 0.25f);
    for (auto [w, h] : {std::pair{64, 40}, std::pair{8, 8}}) {
        const ds::Image r = ds::resize_image(flat, w, h);
        ASSERT_EQ(r.width, w);
        ASSERT_EQ(r.height, h);
        for (float v : r.pixels) EXPECT_NEAR(v, 0.25f, 1e-6);
    }
}

TEST(OnlyMasked, PlanCropsTheBoundsPlusPaddingAtTheModelResolution) {
    ds::Image mask = empty_mask(1000, 800);
    for (int y = 300; y < 340; ++y)
        for (int x = 500; x < 580; ++x) mask.at(x, y, 0) = 1;
    const ds::OnlyMaskedPlan plan = ds::plan_only_masked(mask, 20, 512);
    EXPECT_EQ(plan.crop.x, 480);
    EXPECT_EQ(plan.crop.y, 280);
    EXPECT_EQ(plan.crop.width, 120);
    EXPECT_EQ(plan.crop.height, 80);
    EXPECT_EQ(plan.width, 512);
    EXPECT_EQ(plan.height % 8, 0);
    EXPECT_NEAR(plan.height, 512.0 * 80 / 120, 8);
    // Padding is clipped at the image's border.
    ds::Image corner = empty_mask(100, 100);
    corner.at(2, 3, 0) = 1;
    const ds::OnlyMaskedPlan c = ds::plan_only_masked(corner, 32, 64);
    EXPECT_EQ(c.crop.x, 0);
    EXPECT_EQ(c.crop.y, 0);
    EXPECT_EQ(c.crop.width, 35);
    EXPECT_EQ(c.crop.height, 36);
    EXPECT_THROW(ds::plan_only_masked(empty_mask(10, 10), 4, 64), std::invalid_argument);
}

}  // namespace
