#pragma once

#include <string>
#include <string_view>

namespace spanlight {

/// Prompt text with its variable parts replaced, the way pg_stat_statements
/// treats SQL constants: quoted strings → <str>, UUIDs → <uuid>, e-mail
/// addresses → <email>, hex ids → <hex>, numbers and long digit runs → <num>;
/// whitespace (and control characters) collapsed to single spaces.
std::string normalisePromptText(std::string_view text);

/// The fingerprint of a prompt from its content: SHA-256 over the normalised
/// system instructions and first user message, first 16 hex characters. The
/// storage writer calls this (injected) when content arrives in log records.
std::string promptFingerprint(std::string_view system, std::string_view firstUser);

/// The fingerprint of a prompt known by a declared identity (a prompt name, a
/// template, a Traceloop key, or the no-content fallback), never equal to a
/// content fingerprint: \a kind separates the domains.
std::string identityFingerprint(std::string_view kind, std::string_view name, std::string_view version);

/// At most \a maxBytes of \a text, cut on a UTF-8 character boundary.
std::string_view utf8Prefix(std::string_view text, size_t maxBytes);

} // namespace spanlight
