// Asserts the studio's project files and crash recovery: a project (canvas picture with and
// without alpha, mask, outpaint frame, feather, every generation setting, history with images)
// saves and opens back byte for byte; a refused save and a corrupt or truncated file leave the disk
// untouched and name the file; malformed settings fall back to defaults; the autosave writes the
// state in the background only when something changed, holds a lock while its studio lives, and a
// recovery file whose studio is gone (lock released or left by a dead process) is offered and can be
// removed, while a clean exit leaves nothing behind.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QtTest>

#include "tests/ui/ui_test_support.h"
#include "ui/project_autosave.h"
#include "ui/studio_project.h"

using ds::ui::GenerationMode;
using ds::ui::GenerationOutcome;
using ds::ui::GenerationRequest;
using ds::ui::ProjectAutosave;
using ds::ui::StudioProject;

namespace {

QImage patterned(int w, int h, bool withAlpha) {
    QImage image(w, h, QImage::Format_RGBA8888);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            image.setPixelColor(x, y, QColor((x * 37 + y) % 256, (y * 11) % 256, (x ^ y) % 256,
                                             withAlpha ? (x * 3 + y * 5) % 256 : 255));
    return image;
}

QImage circleMask(int w, int h) {
    QImage mask(w, h, QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const int d2 = (x - w / 2) * (x - w / 2) + (y - h / 2) * (y - h / 2);
            mask.scanLine(y)[x] = d2 < 100 ? 255 : (d2 < 200 ? uchar(d2) : 0);
        }
    return mask;
}

GenerationRequest everySetting() {
    GenerationRequest r;
    r.mode = GenerationMode::Outpaint;
    r.modelPath = QStringLiteral("/models/some model.safetensors");
    r.builtinSchedule = QStringLiteral("linear");
    r.prompt = QStringLiteral("a red apple, ünïcødé ✓\nsecond line");
    r.negativePrompt = QStringLiteral("blurry");
    r.sampler = QStringLiteral("dpmpp-2m");
    r.karras = true;
    r.steps = 33;
    r.cfgScale = 6.25;
    r.seed = 18446744073709551557ull;  // above 2^63: must not go through a signed type
    r.width = 96;
    r.height = 72;
    r.strength = 0.6;
    r.feather = 9;
    r.onlyMasked = true;
    r.maskPadding = 17;
    r.inpaintMethod = QStringLiteral("blend");
    r.extendLeft = 8;
    r.extendTop = 0;
    r.extendRight = 24;
    r.extendBottom = 3;
    r.outpaintFill = QStringLiteral("noise");
    r.overlap = 5;
    return r;
}

void compareRequests(const GenerationRequest& a, const GenerationRequest& b) {
    QCOMPARE(int(a.mode), int(b.mode));
    QCOMPARE(a.modelPath, b.modelPath);
    QCOMPARE(a.builtinSchedule, b.builtinSchedule);
    QCOMPARE(a.prompt, b.prompt);
    QCOMPARE(a.negativePrompt, b.negativePrompt);
    QCOMPARE(a.sampler, b.sampler);
    QCOMPARE(a.karras, b.karras);
    QCOMPARE(a.steps, b.steps);
    QCOMPARE(a.cfgScale, b.cfgScale);
    QCOMPARE(a.seed, b.seed);
    QCOMPARE(a.width, b.width);
    QCOMPARE(a.height, b.height);
    QCOMPARE(a.strength, b.strength);
    QCOMPARE(a.feather, b.feather);
    QCOMPARE(a.onlyMasked, b.onlyMasked);
    QCOMPARE(a.maskPadding, b.maskPadding);
    QCOMPARE(a.inpaintMethod, b.inpaintMethod);
    QCOMPARE(a.extendLeft, b.extendLeft);
    QCOMPARE(a.extendTop, b.extendTop);
    QCOMPARE(a.extendRight, b.extendRight);
    QCOMPARE(a.extendBottom, b.extendBottom);
    QCOMPARE(a.outpaintFill, b.outpaintFill);
    QCOMPARE(a.overlap, b.overlap);
}

StudioProject sampleProject() {
    StudioProject p;
    p.image = patterned(70, 45, true);
    p.mask = circleMask(70, 45);
    p.outpaintMargins = QMargins(3, 0, 40, 12);
    p.featherRadius = 6;
    p.settings = everySetting();
    p.randomSeed = false;
    GenerationOutcome first;
    first.id = 1;
    first.request = everySetting();
    first.request.mode = GenerationMode::TextToImage;
    first.modelName = QStringLiteral("builtin-cosine");
    first.parameters = QStringLiteral("a red apple\nSteps: 33, Sampler: DPM++ 2M Karras, Seed: 7");
    first.image = patterned(64, 64, false);
    first.seconds = 1.5;
    GenerationOutcome second = first;
    second.id = 2;
    second.request.mode = GenerationMode::Inpaint;
    second.image = patterned(70, 45, true);
    p.history = {first, second};
    return p;
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

}  // namespace

class ProjectSessionTest : public QObject {
    Q_OBJECT

private:
    QString m_dir;

private slots:
    void initTestCase() {
        m_dir = QDir(ds::test::uiTestOutputDir()).filePath(QStringLiteral("project-session"));
        QDir(m_dir).removeRecursively();
        QVERIFY(QDir().mkpath(m_dir));
    }

    void roundTripIsExact() {
        const StudioProject saved = sampleProject();
        const QString path = QDir(m_dir).filePath(QStringLiteral("round trip.dsproj"));
        QString error;
        QVERIFY2(ds::ui::saveStudioProject(path, saved, &error), qPrintable(error));
        StudioProject opened;
        QVERIFY2(ds::ui::openStudioProject(path, &opened, &error), qPrintable(error));
        QCOMPARE(opened.image.format(), QImage::Format_RGBA8888);
        QVERIFY(opened.image == saved.image);  // every byte, alpha included
        QCOMPARE(opened.mask.format(), QImage::Format_Grayscale8);
        QVERIFY(opened.mask == saved.mask);
        QCOMPARE(opened.outpaintMargins, saved.outpaintMargins);
        QCOMPARE(opened.featherRadius, saved.featherRadius);
        QCOMPARE(opened.randomSeed, false);
        compareRequests(opened.settings, saved.settings);
        QCOMPARE(opened.history.size(), 2);
        for (int i = 0; i < 2; ++i) {
            compareRequests(opened.history[i].request, saved.history[i].request);
            QCOMPARE(opened.history[i].parameters, saved.history[i].parameters);
            QCOMPARE(opened.history[i].modelName, saved.history[i].modelName);
            QCOMPARE(opened.history[i].seconds, saved.history[i].seconds);
            QCOMPARE(opened.history[i].id, saved.history[i].id);
            QVERIFY(opened.history[i].image.convertToFormat(QImage::Format_RGBA8888) ==
                    saved.history[i].image.convertToFormat(QImage::Format_RGBA8888));
        }
        // Saving what was opened gives the same bytes: nothing drifts through a round trip.
        const QString again = QDir(m_dir).filePath(QStringLiteral("again.dsproj"));
        QVERIFY(ds::ui::saveStudioProject(again, opened, &error));
        QCOMPARE(readAll(again), readAll(path));
    }

    void emptyCanvasAndEmptyMaskRoundTrip() {
        StudioProject saved;
        saved.settings.prompt = QStringLiteral("just a prompt");
        saved.image = QImage();
        const QString path = QDir(m_dir).filePath(QStringLiteral("no canvas.dsproj"));
        QString error;
        QVERIFY2(ds::ui::saveStudioProject(path, saved, &error), qPrintable(error));
        StudioProject opened;
        QVERIFY2(ds::ui::openStudioProject(path, &opened, &error), qPrintable(error));
        QVERIFY(opened.image.isNull());
        QVERIFY(opened.mask.isNull());
        QCOMPARE(opened.settings.prompt, saved.settings.prompt);

        StudioProject noMask = sampleProject();
        noMask.mask.fill(0);  // an all-zero mask is "no mask"
        QVERIFY(ds::ui::saveStudioProject(path, noMask, &error));
        QVERIFY(ds::ui::openStudioProject(path, &opened, &error));
        QVERIFY(opened.mask.isNull());
        QVERIFY(opened.image == noMask.image);
    }

    void refusedSaveKeepsTheOldFile() {
        const QString path = QDir(m_dir).filePath(QStringLiteral("keep.dsproj"));
        QString error;
        QVERIFY(ds::ui::saveStudioProject(path, sampleProject(), &error));
        const QByteArray before = readAll(path);
        StudioProject bad = sampleProject();
        bad.mask = circleMask(20, 20);  // not the canvas's size
        QVERIFY(!ds::ui::saveStudioProject(path, bad, &error));
        QVERIFY2(error.contains(QStringLiteral("mask")), qPrintable(error));
        QCOMPARE(readAll(path), before);
        QCOMPARE(QDir(m_dir).entryList({QStringLiteral("keep.dsproj*")}, QDir::Files).size(), 1);  // no temp left
    }

    void corruptAndTruncatedFilesAreNamed() {
        const QString good = QDir(m_dir).filePath(QStringLiteral("good.dsproj"));
        QString error;
        QVERIFY(ds::ui::saveStudioProject(good, sampleProject(), &error));
        QByteArray bytes = readAll(good);

        const QString truncated = QDir(m_dir).filePath(QStringLiteral("truncated.dsproj"));
        {
            QFile f(truncated);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes.left(bytes.size() / 2));
        }
        const QString flipped = QDir(m_dir).filePath(QStringLiteral("flipped.dsproj"));
        bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x40);
        {
            QFile f(flipped);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
        }
        for (const QString& path : {truncated, flipped}) {
            const QByteArray onDisk = readAll(path);
            StudioProject opened = sampleProject();
            opened.settings.prompt = QStringLiteral("untouched");
            QVERIFY(!ds::ui::openStudioProject(path, &opened, &error));
            QVERIFY2(error.contains(QFileInfo(path).fileName()), qPrintable(error));
            QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
            QCOMPARE(opened.settings.prompt, QStringLiteral("untouched"));  // the caller's state is kept
            QCOMPARE(readAll(path), onDisk);
        }
        StudioProject opened;
        QVERIFY(!ds::ui::openStudioProject(QDir(m_dir).filePath(QStringLiteral("missing.dsproj")), &opened, &error));
        QVERIFY2(error.contains(QStringLiteral("missing.dsproj")), qPrintable(error));
    }

    void malformedSettingsKeepDefaults() {
        GenerationRequest defaults;
        defaults.steps = 12;
        const GenerationRequest r = ds::ui::requestFromSettings(
            {{"steps", "many"}, {"cfg", "nan"}, {"mode", "teleport"}, {"extend", "1,2"}, {"seed", "-5"},
             {"sampler", "ddim"}, {"karras", "maybe"}},
            defaults);
        QCOMPARE(r.steps, 12);
        QCOMPARE(r.cfgScale, defaults.cfgScale);
        QCOMPARE(int(r.mode), int(GenerationMode::TextToImage));
        QCOMPARE(r.extendLeft, 0);
        QCOMPARE(r.seed, defaults.seed);
        QCOMPARE(r.karras, defaults.karras);
        QCOMPARE(r.sampler, QStringLiteral("ddim"));
    }

    void autosaveWritesOnlyChangesInTheBackground() {
        const QString dir = QDir(m_dir).filePath(QStringLiteral("recovery-a"));
        StudioProject state = sampleProject();
        ProjectAutosave autosave(dir, [&] { return state; });
        autosave.setInterval(20);
        QSignalSpy saved(&autosave, &ProjectAutosave::autosaved);
        QTest::qWait(150);
        QCOMPARE(saved.count(), 0);  // nothing changed: nothing written
        QVERIFY(!QFileInfo::exists(autosave.recoveryPath()));

        autosave.markModified();  // e.g. a stroke on the canvas
        QVERIFY(saved.wait(5000));
        QCOMPARE(saved.first().first().toString(), autosave.recoveryPath());
        StudioProject recovered;
        QString error;
        QVERIFY2(ds::ui::openStudioProject(autosave.recoveryPath(), &recovered, &error), qPrintable(error));
        QVERIFY(recovered.image == state.image);
        QVERIFY(recovered.mask == state.mask);
        // While this studio lives, its recovery file is not an orphan and cannot be removed.
        QVERIFY(ProjectAutosave::orphanedRecoveries(dir).isEmpty());
        QVERIFY(!ProjectAutosave::removeRecovery(autosave.recoveryPath()));

        QTest::qWait(150);
        QCOMPARE(saved.count(), 1);  // no change since: no second write

        state.settings.prompt = QStringLiteral("changed");  // a settings-only change is noticed too
        QVERIFY(saved.wait(5000));
        QCOMPARE(saved.count(), 2);
        QVERIFY(ds::ui::openStudioProject(autosave.recoveryPath(), &recovered, &error));
        QCOMPARE(recovered.settings.prompt, QStringLiteral("changed"));

        autosave.markSaved();  // an explicit save: nothing left to recover
        QVERIFY(!QFileInfo::exists(autosave.recoveryPath()));
        QTest::qWait(150);
        QCOMPARE(saved.count(), 2);
        autosave.discard();
        QVERIFY(QDir(dir).entryList(QDir::Files).isEmpty());  // clean exit: no file, no lock
    }

    void crashedStudiosAreOffered() {
        const QString dir = QDir(m_dir).filePath(QStringLiteral("recovery-b"));
        QString path;
        {
            const StudioProject state = sampleProject();
            ProjectAutosave autosave(dir, [&] { return state; });
            QString error;
            QVERIFY2(autosave.saveNow(&error), qPrintable(error));
            path = autosave.recoveryPath();
        }  // destroyed without discard(): what a crash leaves (the file, no live lock)
        QVERIFY(QFileInfo::exists(path));

        // A second file whose lock names a process that no longer runs (a hard crash keeps the lock).
        const QString dead = QDir(dir).filePath(QStringLiteral("studio-999999999.dsproj"));
        QVERIFY(QFile::copy(path, dead));
        QFile::setPermissions(dead, QFile::ReadOwner | QFile::WriteOwner);
        {
            QFile lock(dead + QStringLiteral(".lock"));
            QVERIFY(lock.open(QIODevice::WriteOnly));
            lock.write("999999999\ndiffusion-studio\n" + QSysInfo::machineHostName().toUtf8() + "\n");
        }
        const QStringList orphans = ProjectAutosave::orphanedRecoveries(dir);
        QCOMPARE(orphans.size(), 2);
        QVERIFY(orphans.contains(path));
        QVERIFY(orphans.contains(dead));
        StudioProject recovered;
        QString error;
        QVERIFY2(ds::ui::openStudioProject(orphans.first(), &recovered, &error), qPrintable(error));
        QVERIFY(recovered.image == sampleProject().image);
        for (const QString& orphan : orphans) QVERIFY(ProjectAutosave::removeRecovery(orphan));
        QVERIFY(ProjectAutosave::orphanedRecoveries(dir).isEmpty());
        QVERIFY(QDir(dir).entryList({QStringLiteral("*.dsproj")}, QDir::Files).isEmpty());
    }
};

DS_REGISTER_UI_TEST(ProjectSessionTest)
#include "test_project_session.moc"
