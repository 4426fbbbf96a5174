#include "controlrows.h"

#include <sqlite3.h>

namespace spanlight {

void bindText(sqlite3_stmt* stmt, int index, const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    sqlite3_bind_text(stmt, index, utf8.constData(), static_cast<int>(utf8.size()), SQLITE_TRANSIENT);
}

void bindBlob(sqlite3_stmt* stmt, int index, const QByteArray& bytes)
{
    // A zero-length blob, not NULL: the columns are NOT NULL.
    sqlite3_bind_blob(
        stmt, index, bytes.isEmpty() ? "" : bytes.constData(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
}

void bindInt(sqlite3_stmt* stmt, int index, int64_t value)
{
    sqlite3_bind_int64(stmt, index, value);
}

QString columnText(sqlite3_stmt* stmt, int column)
{
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
    return text ? QString::fromUtf8(text, sqlite3_column_bytes(stmt, column)) : QString();
}

QByteArray columnBlob(sqlite3_stmt* stmt, int column)
{
    const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt, column));
    return blob ? QByteArray(blob, sqlite3_column_bytes(stmt, column)) : QByteArray();
}

UserRecord readUser(sqlite3_stmt* stmt)
{
    UserRecord user;
    user.id = sqlite3_column_int64(stmt, 0);
    user.name = columnText(stmt, 1);
    user.role = roleFromName(columnText(stmt, 2)).value_or(Role::Viewer);
    user.passwordHash = columnText(stmt, 3);
    user.disabled = sqlite3_column_int(stmt, 4) != 0;
    user.failedAttempts = sqlite3_column_int(stmt, 5);
    user.lockedUntilMs = sqlite3_column_int64(stmt, 6);
    user.createdMs = sqlite3_column_int64(stmt, 7);
    user.lastLoginMs = sqlite3_column_int64(stmt, 8);
    return user;
}

IngestKeyRecord readKey(sqlite3_stmt* stmt)
{
    IngestKeyRecord key;
    key.id = sqlite3_column_int64(stmt, 0);
    key.tenant = columnText(stmt, 1);
    key.prefix = columnText(stmt, 2);
    key.last4 = columnText(stmt, 3);
    key.secretHash = columnBlob(stmt, 4);
    key.createdMs = sqlite3_column_int64(stmt, 5);
    key.expiresMs = sqlite3_column_int64(stmt, 6);
    key.revokedMs = sqlite3_column_int64(stmt, 7);
    key.createdBy = columnText(stmt, 8);
    return key;
}

TenantState readTenantState(sqlite3_stmt* stmt)
{
    TenantState state;
    state.tenant = columnText(stmt, 0);
    state.paused = sqlite3_column_int(stmt, 1) != 0;
    state.changedBy = columnText(stmt, 2);
    state.changedMs = sqlite3_column_int64(stmt, 3);
    state.reason = columnText(stmt, 4);
    state.monthlyBudgetNanoUsd = sqlite3_column_int64(stmt, 5);
    return state;
}

ApprovalRecord readApproval(sqlite3_stmt* stmt)
{
    ApprovalRecord approval;
    approval.id = sqlite3_column_int64(stmt, 0);
    approval.action = columnText(stmt, 1);
    approval.target = columnText(stmt, 2);
    approval.params = columnText(stmt, 3);
    approval.requestedBy = columnText(stmt, 4);
    approval.reason = columnText(stmt, 5);
    approval.ticket = columnText(stmt, 6);
    approval.requestedMs = sqlite3_column_int64(stmt, 7);
    approval.expiresMs = sqlite3_column_int64(stmt, 8);
    approval.approvedBy = columnText(stmt, 9);
    approval.approvedMs = sqlite3_column_int64(stmt, 10);
    approval.consumedMs = sqlite3_column_int64(stmt, 11);
    return approval;
}

AuditEntry readAuditEntry(sqlite3_stmt* stmt)
{
    AuditEntry entry;
    entry.seq = sqlite3_column_int64(stmt, 0);
    entry.timeMs = sqlite3_column_int64(stmt, 1);
    entry.phase = sqlite3_column_int(stmt, 2) == 0 ? AuditEntry::Phase::Intent : AuditEntry::Phase::Outcome;
    entry.intentSeq = sqlite3_column_int64(stmt, 3);
    entry.actor = columnText(stmt, 4);
    entry.role = columnText(stmt, 5);
    entry.authMethod = columnText(stmt, 6);
    entry.stepUpMs = sqlite3_column_int64(stmt, 7);
    entry.approver = columnText(stmt, 8);
    entry.action = columnText(stmt, 9);
    entry.target = columnText(stmt, 10);
    entry.reason = columnText(stmt, 11);
    entry.ticket = columnText(stmt, 12);
    entry.before = columnText(stmt, 13);
    entry.after = columnText(stmt, 14);
    entry.outcome = columnText(stmt, 15);
    entry.error = columnText(stmt, 16);
    entry.host = columnText(stmt, 17);
    entry.appVersion = columnText(stmt, 18);
    entry.prevHash = columnBlob(stmt, 19);
    entry.hash = columnBlob(stmt, 20);
    return entry;
}

void bindAuditEntry(sqlite3_stmt* stmt, const AuditEntry& entry)
{
    bindInt(stmt, 1, entry.seq);
    bindInt(stmt, 2, entry.timeMs);
    bindInt(stmt, 3, static_cast<int64_t>(entry.phase));
    bindInt(stmt, 4, entry.intentSeq);
    bindText(stmt, 5, entry.actor);
    bindText(stmt, 6, entry.role);
    bindText(stmt, 7, entry.authMethod);
    bindInt(stmt, 8, entry.stepUpMs);
    bindText(stmt, 9, entry.approver);
    bindText(stmt, 10, entry.action);
    bindText(stmt, 11, entry.target);
    bindText(stmt, 12, entry.reason);
    bindText(stmt, 13, entry.ticket);
    bindText(stmt, 14, entry.before);
    bindText(stmt, 15, entry.after);
    bindText(stmt, 16, entry.outcome);
    bindText(stmt, 17, entry.error);
    bindText(stmt, 18, entry.host);
    bindText(stmt, 19, entry.appVersion);
    bindBlob(stmt, 20, entry.prevHash);
    bindBlob(stmt, 21, entry.hash);
}

} // namespace spanlight
