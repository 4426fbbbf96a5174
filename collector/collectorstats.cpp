#include "collectorstats.h"

namespace spanlight {

const char* rejectReasonName(RejectReason reason)
{
    switch (reason) {
    case RejectReason::BadRequest:
        return "bad request";
    case RejectReason::TooLarge:
        return "too large";
    case RejectReason::QueueFull:
        return "queue full";
    case RejectReason::StorageUnavailable:
        return "storage unavailable";
    case RejectReason::Unauthenticated:
        return "unauthenticated";
    case RejectReason::UnsupportedMedia:
        return "unsupported media type";
    case RejectReason::NotFound:
        return "not found";
    case RejectReason::TooManyConnections:
        return "too many connections";
    case RejectReason::Timeout:
        return "timeout";
    case RejectReason::InvalidItems:
        return "invalid items";
    case RejectReason::Count:
        break;
    }
    return "?";
}

} // namespace spanlight
