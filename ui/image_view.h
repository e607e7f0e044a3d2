#pragma once
// Shows one QImage scaled to fit (aspect kept, centred), or a placeholder text when there is none.
// Its height follows its width (the image's aspect, at most square), so captions sit right under it.
#include <QImage>
#include <QString>
#include <QWidget>

namespace ds::ui {

class ImageView : public QWidget {
    Q_OBJECT

public:
    explicit ImageView(QWidget* parent = nullptr);

    void setImage(const QImage& image);
    const QImage& image() const { return m_image; }
    void setPlaceholderText(const QString& text);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QImage m_image;
    QString m_placeholder;
};

}  // namespace ds::ui
