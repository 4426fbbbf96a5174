#include "mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QKeySequence>
#include <QMenuBar>
#include <QStatusBar>

namespace spanlight {

MainWindow::MainWindow(IngestStatusPage::SnapshotSource source, QWidget* parent)
    : QMainWindow(parent)
    , m_ingest(new IngestStatusPage(std::move(source), this))
{
    setWindowTitle(tr("Spanlight"));
    setCentralWidget(m_ingest);
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* refresh = view->addAction(tr("&Refresh"), m_ingest, &IngestStatusPage::refresh);
    refresh->setShortcut(QKeySequence::Refresh);
    statusBar()->showMessage(tr("Receiving OTLP — point exporters at the endpoints above"));
    resize(1120, 740); // fits a 1366x768 screen with room for the per-service table
}

} // namespace spanlight
