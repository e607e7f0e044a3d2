#pragma once
// Shared by the tests that drive the studio window through real generations: trigger Generate and
// wait for the controller's answer.
#include <QAction>
#include <QSignalSpy>
#include <QtTest>

#include "ui/generation_controller.h"
#include "ui/generation_panel.h"
#include "ui/main_window.h"

namespace ds::test {

// Triggers Generate and waits up to `timeoutMs` for the run to end. Returns the outcome, or a null
// one (with a warning naming the reason: a timeout, or the panel's failure message).
inline ds::ui::GenerationOutcome generateAndWait(ds::ui::MainWindow* window, int timeoutMs) {
    QSignalSpy finished(window->controller(), &ds::ui::GenerationController::finished);
    QSignalSpy failed(window->controller(), &ds::ui::GenerationController::failed);
    window->generateAction()->trigger();
    if (!QTest::qWaitFor([&] { return !finished.isEmpty() || !failed.isEmpty(); }, timeoutMs)) {
        qWarning("no result within the timeout");
        return {};
    }
    if (!failed.isEmpty()) {
        qWarning("generation failed: %s", qPrintable(window->generationPanel()->message()));
        return {};
    }
    return finished[0][0].value<ds::ui::GenerationOutcome>();
}

}  // namespace ds::test
