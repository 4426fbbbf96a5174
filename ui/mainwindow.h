#pragma once

#include "ingeststatuspage.h"

#include <QMainWindow>

namespace spanlight {

/// Assembles the pages; owns no logic of its own (STYLE.md).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(IngestStatusPage::SnapshotSource source, QWidget* parent = nullptr);

    IngestStatusPage* ingestPage() const { return m_ingest; }

private:
    IngestStatusPage* m_ingest;
};

} // namespace spanlight
