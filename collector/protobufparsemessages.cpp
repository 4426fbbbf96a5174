#include "protobufparsemessages.h"

#include <google/protobuf/stubs/logging.h>
#include <mutex>
#include <string_view>

namespace spanlight {

void keepParseMessage(const std::string& message); // a friend of ProtobufParseMessages

namespace {

thread_local ProtobufParseMessages* t_current = nullptr;
google::protobuf::LogHandler* s_previous = nullptr;

void handleProtobufLog(google::protobuf::LogLevel level, const char* file, int line, const std::string& message)
{
    if (t_current) {
        keepParseMessage(message);
        return;
    }
    if (s_previous)
        s_previous(level, file, line, message);
}

} // namespace

void keepParseMessage(const std::string& message)
{
    if (!t_current->m_first.empty())
        return;
    // The rest of protobuf's sentence advises whoever wrote the .proto file.
    constexpr std::string_view kTail = " when parsing a protocol buffer";
    constexpr size_t kMaxChars = 300;
    std::string text = message.substr(0, message.find(kTail));
    if (text.size() > kMaxChars)
        text.resize(kMaxChars);
    t_current->m_first = std::move(text);
}

ProtobufParseMessages::ProtobufParseMessages()
    : m_outer(t_current)
{
    // Protobuf asks for its handler to be set once, before use elsewhere.
    static std::once_flag installed;
    std::call_once(installed, [] { s_previous = google::protobuf::SetLogHandler(&handleProtobufLog); });
    t_current = this;
}

ProtobufParseMessages::~ProtobufParseMessages()
{
    t_current = m_outer;
}

} // namespace spanlight
