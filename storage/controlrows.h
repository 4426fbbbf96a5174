#pragma once

#include "controlrecords.h"

#include <QByteArray>
#include <QString>

struct sqlite3_stmt;

namespace spanlight {

// Binding control.db records to statements and reading them back, by the
// column orders ControlDialect documents.

void bindText(sqlite3_stmt* stmt, int index, const QString& text);
void bindBlob(sqlite3_stmt* stmt, int index, const QByteArray& bytes);
void bindInt(sqlite3_stmt* stmt, int index, int64_t value);
QString columnText(sqlite3_stmt* stmt, int column);
QByteArray columnBlob(sqlite3_stmt* stmt, int column);

UserRecord readUser(sqlite3_stmt* stmt);
IngestKeyRecord readKey(sqlite3_stmt* stmt);
TenantState readTenantState(sqlite3_stmt* stmt);
ApprovalRecord readApproval(sqlite3_stmt* stmt);
AuditEntry readAuditEntry(sqlite3_stmt* stmt);

/// Binds ?1 … ?21 of ControlDialect::insertAuditEntry.
void bindAuditEntry(sqlite3_stmt* stmt, const AuditEntry& entry);

} // namespace spanlight
