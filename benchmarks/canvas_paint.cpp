// Painting the mask on a 512 x 512 and a 4096 x 4096 canvas, shown in a CanvasWidget of the same
// window size (1024 x 768) zoomed to fit and at 100 %: the same strokes (in canvas pixels) on both.
// Prints milliseconds per dab (the document's dab plus the view's overlay refresh), per stroke step
// with its on-screen repaint (events processed), per full widget repaint (grab), and the 4096 / 512
// ratio of each (the target: about 1, painting does not slow down with the picture's size).
// Asserts nothing. Runs offscreen when there is no display.
//
//   ds-bench-canvas [--strokes 40] [--repaints 30] [--brush 32]
#include <QApplication>
#include <QElapsedTimer>
#include <QPixmap>
#include <QUndoStack>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "ui/canvas/canvas_document.h"
#include "ui/canvas/canvas_widget.h"

namespace {

using Stroke = std::vector<QPointF>;

// Zig-zag strokes inside the top-left 480 x 480 canvas pixels, the same on every canvas.
std::vector<Stroke> makeStrokes(int count) {
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> coord(32.0, 480.0);
    std::vector<Stroke> strokes(static_cast<size_t>(count));
    for (Stroke& s : strokes)
        for (int i = 0; i < 12; ++i) s.emplace_back(coord(rng), coord(rng));
    return strokes;
}

// The dabs a stroke places: one at the start, then one every `spacing` along the path.
long dabCount(const std::vector<Stroke>& strokes, double spacing) {
    long dabs = 0;
    for (const Stroke& s : strokes) {
        double carry = spacing;
        dabs += 1;
        for (size_t i = 1; i < s.size(); ++i) {
            const double len = std::hypot(s[i].x() - s[i - 1].x(), s[i].y() - s[i - 1].y());
            double t = carry;
            for (; t <= len; t += spacing) ++dabs;
            carry = t - len;
        }
    }
    return dabs;
}

struct Figures {
    double msPerDab = 0, msPerStep = 0, msPerRepaint = 0;
};

Figures measure(int side, bool fit, const std::vector<Stroke>& strokes, int repaints, int brushSize) {
    QImage picture(side, side, QImage::Format_RGBA8888);
    for (int y = 0; y < side; ++y) {
        uchar* row = picture.scanLine(y);
        for (int x = 0; x < side; ++x) {
            row[4 * x] = uchar(x * 255 / side);
            row[4 * x + 1] = uchar(y * 255 / side);
            row[4 * x + 2] = 128;
            row[4 * x + 3] = 255;
        }
    }
    ds::ui::CanvasWidget widget;
    widget.resize(1024, 768);
    widget.show();
    QApplication::processEvents();
    ds::ui::CanvasDocument* doc = widget.document();
    doc->reset(picture);
    if (fit) {
        widget.fitToWindow();
    } else {
        widget.actualSize();
    }
    QApplication::processEvents();
    const ds::ui::CanvasBrush brush{brushSize, 0.7};
    const long dabs = dabCount(strokes, std::max(1.0, brushSize / 8.0));

    Figures f;
    // Dabs: the document and the view's overlay, repaints left pending.
    QElapsedTimer timer;
    timer.start();
    for (const Stroke& s : strokes) {
        doc->beginStroke(false, brush, s.front());
        for (size_t i = 1; i < s.size(); ++i) doc->strokeTo(s[i]);
        doc->endStroke();
    }
    f.msPerDab = timer.nsecsElapsed() / 1e6 / double(dabs);
    QApplication::processEvents();

    // Stroke steps as the user sees them: each step painted, then its dirty area repainted.
    long steps = 0;
    timer.restart();
    for (const Stroke& s : strokes) {
        doc->beginStroke(true, brush, s.front());
        for (size_t i = 1; i < s.size(); ++i) {
            doc->strokeTo(s[i]);
            QApplication::processEvents();  // repaints the dirty area
            ++steps;
        }
        doc->endStroke();
    }
    f.msPerStep = timer.nsecsElapsed() / 1e6 / double(steps);

    // A full repaint of the 1024 x 768 view.
    QPixmap target(widget.size());
    widget.render(&target);  // warm-up
    timer.restart();
    for (int i = 0; i < repaints; ++i) widget.render(&target);
    f.msPerRepaint = timer.nsecsElapsed() / 1e6 / repaints;
    doc->undoStack()->clear();
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    int strokeCount = 40, repaints = 30, brushSize = 32;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        const int v = std::atoi(argv[i + 1]);
        if (a == "--strokes")
            strokeCount = std::max(1, v);
        else if (a == "--repaints")
            repaints = std::max(1, v);
        else if (a == "--brush")
            brushSize = std::clamp(v, 1, ds::ui::CanvasDocument::kMaxBrushSize);
        else {
            std::fprintf(stderr, "usage: ds-bench-canvas [--strokes 40] [--repaints 30] [--brush 32]\n");
            return 2;
        }
    }
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const std::vector<Stroke> strokes = makeStrokes(strokeCount);
    std::printf("canvas paint: %d strokes, brush %d px, view 1024x768, %s\n", strokeCount, brushSize,
                qPrintable(QGuiApplication::platformName()));
    std::printf("%-6s %-6s %12s %14s %16s\n", "view", "canvas", "ms/dab", "ms/step+paint", "ms/full repaint");
    for (const bool fit : {true, false}) {
        const char* view = fit ? "fit" : "100%";
        const Figures small = measure(512, fit, strokes, repaints, brushSize);
        const Figures big = measure(4096, fit, strokes, repaints, brushSize);
        std::printf("%-6s %-6s %12.4f %14.3f %16.3f\n", view, "512", small.msPerDab, small.msPerStep,
                    small.msPerRepaint);
        std::printf("%-6s %-6s %12.4f %14.3f %16.3f\n", view, "4096", big.msPerDab, big.msPerStep,
                    big.msPerRepaint);
        std::printf("%-6s %-6s %12.2f %14.2f %16.2f\n", view, "ratio", big.msPerDab / small.msPerDab,
                    big.msPerStep / small.msPerStep, big.msPerRepaint / small.msPerRepaint);
    }
    return 0;
}
