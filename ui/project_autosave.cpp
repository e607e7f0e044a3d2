#include "ui/project_autosave.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <memory>

namespace ds::ui {
namespace {

const QString kPrefix = QStringLiteral("studio-");
const QString kSuffix = QStringLiteral(".dsproj");

QString lockPathOf(const QString& recoveryPath) { return recoveryPath + QStringLiteral(".lock"); }

// True when no running studio holds the file's lock (a stale lock, from a crashed studio, is taken
// over and released). Lock age never counts: a studio may run for days.
bool isOrphan(const QString& recoveryPath) {
    QLockFile lock(lockPathOf(recoveryPath));
    lock.setStaleLockTime(0);
    if (!lock.tryLock(0)) return false;
    lock.unlock();
    return true;
}

}  // namespace

ProjectAutosave::ProjectAutosave(const QString& directory, Snapshot snapshot, QObject* parent)
    : QObject(parent),
      m_directory(directory.isEmpty() ? defaultDirectory() : directory),
      m_snapshot(std::move(snapshot)) {
    m_recoveryPath = QDir(m_directory).filePath(kPrefix + QString::number(QCoreApplication::applicationPid()) + kSuffix);
    m_writtenSettings = projectSettings(m_snapshot());  // the state it starts from needs no recovery
    m_timer = new QTimer(this);
    m_timer->setInterval(kDefaultIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &ProjectAutosave::tick);
    m_timer->start();
}

ProjectAutosave::~ProjectAutosave() {
    if (m_writer) {
        m_writer->wait();
        delete m_writer;  // its queued finished() never reaches a destroyed autosave
    }
}

QString ProjectAutosave::defaultDirectory() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation))
        .filePath(QStringLiteral("recovery"));
}

void ProjectAutosave::setInterval(int milliseconds) { m_timer->setInterval(qMax(1, milliseconds)); }
int ProjectAutosave::interval() const { return m_timer->interval(); }

QStringList ProjectAutosave::orphanedRecoveries(const QString& directory) {
    QFileInfoList files = QDir(directory).entryInfoList({kPrefix + QLatin1Char('*') + kSuffix}, QDir::Files);
    std::sort(files.begin(), files.end(),
              [](const QFileInfo& a, const QFileInfo& b) { return a.lastModified() > b.lastModified(); });
    QStringList orphans;
    for (const QFileInfo& file : files)
        if (isOrphan(file.absoluteFilePath())) orphans << file.absoluteFilePath();
    return orphans;
}

bool ProjectAutosave::removeRecovery(const QString& path) {
    if (!isOrphan(path)) return false;
    return QFile::remove(path) || !QFileInfo::exists(path);
}

void ProjectAutosave::markModified() { m_modified = true; }

void ProjectAutosave::markSaved() {
    if (m_writer) m_writer->wait();
    m_modified = false;
    m_writtenSettings = projectSettings(m_snapshot());
    QFile::remove(m_recoveryPath);
}

void ProjectAutosave::discard() {
    markSaved();
    m_timer->stop();
    m_lock.reset();  // removes the lock file
}

bool ProjectAutosave::saveNow(QString* error) {
    if (m_writer) m_writer->wait();
    if (!takeLock(error)) return false;
    m_modified = false;
    const StudioProject snapshot = m_snapshot();
    m_writtenSettings = projectSettings(snapshot);
    if (!saveStudioProject(m_recoveryPath, snapshot, error)) {
        m_modified = true;
        return false;
    }
    return true;
}

// The first save takes the lock that marks this studio's recovery file as alive.
bool ProjectAutosave::takeLock(QString* error) {
    if (m_lock) return true;
    QDir().mkpath(m_directory);
    auto lock = std::make_unique<QLockFile>(lockPathOf(m_recoveryPath));
    lock->setStaleLockTime(0);
    if (!lock->tryLock(0)) {
        if (error) *error = tr("Cannot lock the recovery file %1").arg(QDir::toNativeSeparators(m_recoveryPath));
        return false;
    }
    m_lock = std::move(lock);
    return true;
}

void ProjectAutosave::tick() {
    if (m_writer) return;
    const StudioProject snapshot = m_snapshot();  // cheap: the images are shared, not copied
    const std::map<std::string, std::string> settings = projectSettings(snapshot);
    if (!m_modified && settings == m_writtenSettings) return;
    QString lockError;
    if (!takeLock(&lockError)) {
        Q_EMIT autosaveFailed(lockError);
        return;
    }
    m_modified = false;  // changes from now on go into the next autosave
    m_writtenSettings = settings;
    auto error = std::make_shared<QString>();
    const QString path = m_recoveryPath;
    m_writer = QThread::create([snapshot, path, error] {
        if (!saveStudioProject(path, snapshot, error.get()) && error->isEmpty()) *error = QStringLiteral("unknown error");
    });
    connect(m_writer, &QThread::finished, this, [this, error, path] {
        m_writer->deleteLater();
        m_writer = nullptr;
        if (error->isEmpty()) {
            Q_EMIT autosaved(path);
        } else {
            m_modified = true;  // try again at the next tick
            Q_EMIT autosaveFailed(*error);
        }
    });
    m_writer->start(QThread::LowPriority);
}

}  // namespace ds::ui
