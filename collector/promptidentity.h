#pragma once

#include "promptjoin.h"

namespace spanlight {

/// How the storage writer names a prompt whose content arrived in log records:
/// the same fingerprint, label and example a span carrying that content gets.
PromptIdentifier contentPromptIdentifier(bool captureContent);

} // namespace spanlight
