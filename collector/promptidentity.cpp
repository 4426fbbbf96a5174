#include "promptidentity.h"

#include "genainormalizer.h"
#include "promptfingerprint.h"

namespace spanlight {

PromptIdentifier contentPromptIdentifier(bool captureContent)
{
    return [captureContent](std::string_view system, std::string_view firstUser) {
        return PromptIdentity { promptFingerprint(system, firstUser), contentPromptLabel(system, firstUser),
            contentPromptExample(system, firstUser, captureContent) };
    };
}

} // namespace spanlight
