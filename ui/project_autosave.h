#pragma once
// Autosave and crash recovery. While the project has unsaved changes, its state is written to this
// studio's recovery file every interval (a minute by default), in the background so the window
// never waits on the disk; a clean exit (or an explicit save) removes the file. Each running studio
// holds a lock file beside its recovery file, so a recovery file whose lock is stale belongs to a
// studio that crashed: the next studio offers to restore it.
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "ui/studio_project.h"

class QLockFile;
class QThread;
class QTimer;

namespace ds::ui {

class ProjectAutosave : public QObject {
    Q_OBJECT

public:
    static constexpr int kDefaultIntervalMs = 60 * 1000;
    using Snapshot = std::function<StudioProject()>;  // the window's state now (cheap: QImages are shared)

    // `directory` is created when needed; empty: defaultDirectory(). `snapshot` is called at once
    // (the starting state is taken as saved) and at every tick.
    ProjectAutosave(const QString& directory, Snapshot snapshot, QObject* parent = nullptr);
    ~ProjectAutosave() override;  // waits for a write in flight; keeps the recovery file

    static QString defaultDirectory();  // <app data>/recovery
    QString directory() const { return m_directory; }
    QString recoveryPath() const { return m_recoveryPath; }  // this studio's file

    void setInterval(int milliseconds);
    int interval() const;
    bool isModified() const { return m_modified; }
    bool isWriting() const { return m_writer != nullptr; }

    // Recovery files left by studios that are no longer running, newest first.
    static QStringList orphanedRecoveries(const QString& directory);
    // Removes a recovery file (after it was restored or declined); false if it is a live studio's.
    static bool removeRecovery(const QString& path);

public Q_SLOTS:
    // The canvas or the history changed since the last save or autosave. (Changed settings, such
    // as the prompt, are noticed at the next tick by comparing them with the last write.)
    void markModified();
    void markSaved();     // the user saved the project: nothing to recover any more
    // Writes the recovery file now, on the calling thread; false with *error set on failure.
    bool saveNow(QString* error = nullptr);
    void discard();       // clean exit: the recovery file goes

Q_SIGNALS:
    void autosaved(const QString& path);
    void autosaveFailed(const QString& error);

private:
    void tick();
    bool takeLock(QString* error);

    QString m_directory;
    QString m_recoveryPath;
    Snapshot m_snapshot;
    std::unique_ptr<QLockFile> m_lock;
    QTimer* m_timer = nullptr;
    QThread* m_writer = nullptr;
    bool m_modified = false;
    std::map<std::string, std::string> m_writtenSettings;  // the settings of the last write
};

}  // namespace ds::ui
