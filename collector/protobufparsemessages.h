#pragma once

#include <string>

namespace spanlight {

/// While alive, what protobuf's parser says on this thread is kept here instead
/// of going to stderr. A client sending, say, a string attribute with invalid
/// UTF-8 would otherwise print one line per request (a flood under a
/// misbehaving exporter) while its own 400 said only "not valid protobuf".
class ProtobufParseMessages
{
public:
    ProtobufParseMessages();
    ~ProtobufParseMessages();
    ProtobufParseMessages(const ProtobufParseMessages&) = delete;
    ProtobufParseMessages& operator=(const ProtobufParseMessages&) = delete;

    /// The first message, shortened to what a client can act on (e.g. "String
    /// field 'opentelemetry.proto.common.v1.AnyValue.string_value' contains
    /// invalid UTF-8 data"); empty when protobuf said nothing.
    const std::string& first() const { return m_first; }

private:
    friend void keepParseMessage(const std::string& message);
    std::string m_first;
    ProtobufParseMessages* m_outer;
};

} // namespace spanlight
