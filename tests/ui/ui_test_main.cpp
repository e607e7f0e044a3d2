// Runs the registered widget test classes (all, or those named in a first argument such as
// "GenerationWindowTest,PanelsTest"); the remaining arguments go to QTest (function names, -v2, ...).
#include <QApplication>
#include <QtTest>
#include <map>
#include <string>

#include "tests/ui/ui_test_support.h"

namespace ds::test {
namespace {

std::map<std::string, UiTestFactory>& registry() {
    static std::map<std::string, UiTestFactory> tests;
    return tests;
}

}  // namespace

bool registerUiTest(const char* name, UiTestFactory factory) {
    registry()[name] = std::move(factory);
    return true;
}

}  // namespace ds::test

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    app.setAttribute(Qt::AA_Use96Dpi, true);
    QStringList args = app.arguments();
    QStringList chosen;
    if (args.size() > 1 && !args[1].startsWith(QLatin1Char('-'))) {
        const QStringList names = args[1].split(QLatin1Char(','), Qt::SkipEmptyParts);
        bool allKnown = !names.isEmpty();
        for (const QString& n : names) allKnown = allKnown && ds::test::registry().count(n.toStdString());
        if (allKnown) {
            chosen = names;
            args.removeAt(1);
        }
    }
    int failures = 0;
    for (const auto& [name, factory] : ds::test::registry()) {
        if (!chosen.isEmpty() && !chosen.contains(QString::fromStdString(name))) continue;
        const std::unique_ptr<QObject> test = factory();
        failures += QTest::qExec(test.get(), args) != 0;
    }
    return failures == 0 ? 0 : 1;
}
