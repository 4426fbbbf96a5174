#include "genaicontent.h"

#include "opentelemetry/proto/common/v1/common.pb.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <map>

namespace spanlight {

namespace {

using opentelemetry::proto::common::v1::AnyValue;

QJsonValue jsonOf(const AnyValue& v)
{
    switch (v.value_case()) {
    case AnyValue::kStringValue:
        return QString::fromStdString(v.string_value());
    case AnyValue::kIntValue:
        return static_cast<qint64>(v.int_value());
    case AnyValue::kDoubleValue:
        return v.double_value();
    case AnyValue::kBoolValue:
        return v.bool_value();
    case AnyValue::kArrayValue: {
        QJsonArray array;
        for (const AnyValue& item : v.array_value().values())
            array.append(jsonOf(item));
        return array;
    }
    case AnyValue::kKvlistValue: {
        QJsonObject object;
        for (const auto& kv : v.kvlist_value().values())
            object.insert(QString::fromStdString(kv.key()), jsonOf(kv.value()));
        return object;
    }
    default:
        return QJsonValue();
    }
}

/// A structured value, sent as JSON text (span attributes must be scalars) or
/// as a structured AnyValue (log records may carry maps and lists). Text that
/// is not a JSON array or object stays text.
QJsonValue structuredOf(const AnyValue& v)
{
    if (v.value_case() != AnyValue::kStringValue)
        return jsonOf(v);
    const std::string& text = v.string_value();
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (text[first] == '[' || text[first] == '{')) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(text), &error);
        if (error.error == QJsonParseError::NoError)
            return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
    }
    return QString::fromStdString(text);
}

void appendText(std::string& out, const QString& text)
{
    if (text.isEmpty())
        return;
    if (!out.empty())
        out += '\n';
    out += text.toStdString();
}

/// The text of message content: a string, a text part ({"type": "text",
/// "content": ...}, or OpenAI's "text" key), or a list of parts. Other part
/// types (images, tool calls) carry no prompt text.
void collectText(const QJsonValue& content, std::string& out)
{
    if (content.isString()) {
        appendText(out, content.toString());
    } else if (content.isArray()) {
        for (const QJsonValue& part : content.toArray())
            collectText(part, out);
    } else if (content.isObject()) {
        const QJsonObject part = content.toObject();
        const QString type = part.value(QLatin1String("type")).toString();
        if (!type.isEmpty() && type != QLatin1String("text"))
            return;
        const QJsonValue text = part.value(QLatin1String("content"));
        appendText(out, (text.isString() ? text : part.value(QLatin1String("text"))).toString());
    }
}

std::string messageText(const QJsonObject& message)
{
    std::string text;
    // OTel >= 1.37 messages hold "parts"; older shapes put "content" directly.
    const QJsonValue parts = message.value(QLatin1String("parts"));
    collectText(parts.isUndefined() ? message.value(QLatin1String("content")) : parts, text);
    return text;
}

void fillPart(std::string& part, std::string text)
{
    if (part.empty())
        part = std::move(text);
}

/// A list of chat messages: system (and OpenAI "developer") messages are the
/// system instructions, the first user message the user part.
void readMessages(const QJsonValue& messages, PromptContent& content)
{
    if (messages.isString()) {
        fillPart(content.user, messages.toString().toStdString());
        return;
    }
    std::string system;
    std::string user;
    bool userSeen = false;
    for (const QJsonValue& item : messages.toArray()) {
        const QJsonObject message = item.toObject();
        const QString role = message.value(QLatin1String("role")).toString();
        if (role == QLatin1String("system") || role == QLatin1String("developer")) {
            appendText(system, QString::fromStdString(messageText(message)));
        } else if (role == QLatin1String("user") && !userSeen) {
            user = messageText(message);
            userSeen = true;
        }
    }
    fillPart(content.system, std::move(system));
    fillPart(content.user, std::move(user));
}

void readSystemInstructions(const QJsonValue& instructions, PromptContent& content)
{
    std::string system;
    collectText(instructions, system);
    fillPart(content.system, std::move(system));
}

/// Messages flattened into attributes: "<prefix><N><roleSuffix>" and
/// "<prefix><N><contentSuffix>" (OpenInference, OpenLLMetry).
class FlattenedMessages
{
public:
    FlattenedMessages(std::string_view prefix, std::string_view roleSuffix, std::string_view contentSuffix)
        : m_prefix(prefix)
        , m_roleSuffix(roleSuffix)
        , m_contentSuffix(contentSuffix)
    {
    }

    void offer(std::string_view key, const AnyValue& value)
    {
        if (!key.starts_with(m_prefix) || value.value_case() != AnyValue::kStringValue)
            return;
        key.remove_prefix(m_prefix.size());
        int index = 0;
        size_t digits = 0;
        while (digits < key.size() && digits < 6 && key[digits] >= '0' && key[digits] <= '9')
            index = index * 10 + (key[digits++] - '0');
        if (digits == 0)
            return;
        key.remove_prefix(digits);
        if (key == m_roleSuffix)
            m_messages[index].role = value.string_value();
        else if (key == m_contentSuffix)
            m_messages[index].content = value.string_value();
    }

    void apply(PromptContent& content) const
    {
        std::string system;
        std::string user;
        for (const auto& [index, message] : m_messages) {
            if (message.role == "system" || message.role == "developer")
                appendText(system, QString::fromStdString(message.content));
            else if (message.role == "user" && user.empty())
                user = message.content;
        }
        fillPart(content.system, std::move(system));
        fillPart(content.user, std::move(user));
    }

private:
    struct Message
    {
        std::string role;
        std::string content;
    };
    std::string_view m_prefix;
    std::string_view m_roleSuffix;
    std::string_view m_contentSuffix;
    std::map<int, Message> m_messages; // index order; bounded by the attribute limit
};

} // namespace

PromptContent spanPromptContent(const AttributeGuard::KeyValues& attributes)
{
    const AnyValue* systemInstructions = nullptr;
    const AnyValue* inputMessages = nullptr;
    const AnyValue* inputValue = nullptr;
    FlattenedMessages openInference("llm.input_messages.", ".message.role", ".message.content");
    FlattenedMessages openLLMetry("gen_ai.prompt.", ".role", ".content");
    for (const auto& kv : attributes) {
        const std::string& key = kv.key();
        if (key == "gen_ai.system_instructions")
            systemInstructions = &kv.value();
        else if (key == "gen_ai.input.messages")
            inputMessages = &kv.value();
        else if (key == "input.value")
            inputValue = &kv.value();
        else {
            openInference.offer(key, kv.value());
            openLLMetry.offer(key, kv.value());
        }
    }
    PromptContent content;
    if (systemInstructions)
        readSystemInstructions(structuredOf(*systemInstructions), content);
    if (inputMessages)
        readMessages(structuredOf(*inputMessages), content);
    openInference.apply(content);
    openLLMetry.apply(content);
    if (inputValue) {
        // OpenInference records the whole request here; a chat request is a
        // {"messages": [...]} object, anything else is the user's input as text.
        const QJsonValue value = structuredOf(*inputValue);
        if (value.isObject() && value.toObject().value(QLatin1String("messages")).isArray())
            readMessages(value.toObject().value(QLatin1String("messages")), content);
        else if (value.isString())
            fillPart(content.user, value.toString().toStdString());
    }
    return content;
}

void readLogPromptContent(const AnyValue& body, const AttributeGuard::KeyValues& attributes, LogRow& row)
{
    const bool system = row.eventName == "gen_ai.system.message";
    if (system || row.eventName == "gen_ai.user.message") {
        // The body is {"content": ...}; some SDKs send the text itself.
        const QJsonValue value = structuredOf(body);
        const QJsonValue inner = value.toObject().value(QLatin1String("content"));
        std::string text;
        if (value.isObject() && !inner.isUndefined())
            collectText(inner, text);
        else if (body.value_case() == AnyValue::kStringValue)
            text = body.string_value();
        else
            collectText(value, text);
        (system ? row.promptSystem : row.promptUser) = std::move(text);
        return;
    }
    if (row.eventName != "gen_ai.client.inference.operation.details")
        return;
    PromptContent content;
    for (const auto& kv : attributes) {
        if (kv.key() == "gen_ai.system_instructions")
            readSystemInstructions(structuredOf(kv.value()), content);
        else if (kv.key() == "gen_ai.input.messages")
            readMessages(structuredOf(kv.value()), content);
    }
    row.promptSystem = std::move(content.system);
    row.promptUser = std::move(content.user);
}

} // namespace spanlight
