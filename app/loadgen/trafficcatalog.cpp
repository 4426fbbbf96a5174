#include "trafficcatalog.h"

#include <array>

namespace spanlight::loadgen {

namespace {

// Fictional companies: recognisable in a demo, and none is a real customer.
constexpr std::array<std::string_view, 16> kTenants
    = { "acme", "globex", "initech", "umbrella", "hooli", "soylent", "stark", "wayne", "wonka", "tyrell", "cyberdyne",
          "aperture", "massive-dynamic", "pied-piper", "vandelay", "dunder-mifflin" };

constexpr std::array<std::string_view, 2> kEnvironments = { "prod", "staging" };

// Latency medians are rough public figures; what matters is that models differ visibly in a heatmap.
constexpr std::array<ModelInfo, 7> kModels = { {
    { "gpt-4o", "gpt-4o-2024-08-06", "openai", "api.openai.com", "openai", 450, 80, 3.0, true },
    { "gpt-4o-mini", "gpt-4o-mini-2024-07-18", "openai", "api.openai.com", "openai", 300, 110, 4.0, true },
    { "claude-sonnet-4-5", "claude-sonnet-4-5-20250929", "anthropic", "api.anthropic.com", "anthropic", 700, 70, 3.0,
        true },
    { "gemini-2.0-flash", "gemini-2.0-flash-001", "gcp.gemini", "generativelanguage.googleapis.com",
        "google.genai.errors", 350, 160, 2.0, false },
    { "mistral-large", "mistral-large-2411", "mistral_ai", "api.mistral.ai", "mistralai", 500, 60, 1.0, false },
    { "llama-3.1-70b", "llama-3.1-70b-instruct-2024-07-23", "meta", "api.llama.com", "llama_api_client", 400, 90, 1.0,
        false },
    // DeepSeek's API answers with the name it was asked for, so this one has no date suffix.
    { "deepseek-chat", "deepseek-chat", "deepseek", "api.deepseek.com", "openai", 900, 40, 1.0, true },
} };

constexpr std::array<ServiceInfo, 6> kServices = { {
    { "chat-api", "assistant", { "web_search", "get_weather", "calculator" }, 1200, 350, 3, true },
    { "support-bot", "support-agent", { "lookup_order", "create_ticket", "refund_order" }, 2500, 250, 5, true },
    { "search-rag", "rag-agent", { "vector_search", "rerank", "fetch_document" }, 9000, 400, 3, true },
    { "doc-summarizer", "summarizer", { "fetch_document", "split_text", "store_summary" }, 14000, 600, 6, false },
    { "code-assistant", "coder", { "run_tests", "read_file", "apply_patch" }, 6000, 900, 6, false },
    { "sales-copilot", "sales-agent", { "crm_lookup", "draft_email", "schedule_meeting" }, 1800, 500, 4, true },
} };

// Eight to ten prompts per service, 50 in all. Templates carry numbers and e-mail addresses so that
// content fingerprinting has constants to normalise away.
constexpr std::array<PromptInfo, 50> kPrompts = { {
    { "chat.general", 0, "You are a helpful assistant.", "Answer the question from user {n}: {email} asks for help." },
    { "chat.smalltalk", 0, "You are a friendly assistant. Keep answers short.", "Say hello to {email}." },
    { "chat.translate", 0, "You translate text faithfully.", "Translate message {n} into French." },
    { "chat.explain", 0, "Explain concepts simply.", "Explain topic {n} to a beginner." },
    { "chat.rewrite", 0, "You improve writing.", "Rewrite paragraph {n} in a formal tone." },
    { "chat.brainstorm", 0, "You generate ideas.", "List {n} ideas for a team offsite." },
    { "chat.weather", 0, "You report the weather.", "What is the weather in city {n}?" },
    { "chat.math", 0, "You solve arithmetic step by step.", "Compute {n} * 17 and show the steps." },
    { "support.triage", 1, "Classify support tickets by urgency.", "Ticket #{n} from {email}: my order is late." },
    { "support.reply", 1, "Write a polite support reply.", "Reply to ticket #{n} for {email}." },
    { "support.refund", 1, "Decide whether a refund applies.", "Order {n}: customer {email} asks for a refund." },
    { "support.escalate", 1, "Decide whether to escalate.", "Ticket #{n} has been open for {n} hours." },
    { "support.sentiment", 1, "Rate customer sentiment from 1 to 5.", "Rate the sentiment of ticket #{n}." },
    { "support.faq", 1, "Answer from the FAQ only.", "Customer {email} asks about shipping times." },
    { "support.order-status", 1, "Report order status.", "Where is order {n}?" },
    { "support.handoff", 1, "Summarise the case for a human agent.", "Summarise case {n} for the next shift." },
    { "rag.answer", 2, "Answer using only the provided context.", "Question {n}: how do I configure SSO?" },
    { "rag.query-rewrite", 2, "Rewrite the query for retrieval.", "Rewrite search query {n} for recall." },
    { "rag.rerank", 2, "Rank passages by relevance.", "Rank these {n} passages for the question." },
    { "rag.cite", 2, "Answer with citations.", "Answer question {n} with citations." },
    { "rag.followup", 2, "Suggest follow-up questions.", "Suggest follow-ups after answer {n}." },
    { "rag.no-answer", 2, "Say when the context has no answer.", "Does the context answer question {n}?" },
    { "rag.hyde", 2, "Write a hypothetical answer document.", "Draft a hypothetical answer to question {n}." },
    { "rag.compress", 2, "Compress context while keeping facts.", "Compress these {n} passages." },
    { "summarize.document", 3, "Summarise documents accurately.", "Summarise document {n} in 5 bullet points." },
    { "summarize.meeting", 3, "Summarise meeting transcripts.", "Summarise meeting {n} for {email}." },
    { "summarize.contract", 3, "Summarise legal contracts.", "Summarise contract {n}; list obligations." },
    { "summarize.email-thread", 3, "Summarise e-mail threads.", "Summarise the thread with {email}." },
    { "summarize.chunk", 3, "Summarise one chunk of a long document.", "Summarise chunk {n}." },
    { "summarize.merge", 3, "Merge partial summaries.", "Merge {n} partial summaries into one." },
    { "summarize.title", 3, "Write a short title.", "Write a title for document {n}." },
    { "summarize.keywords", 3, "Extract keywords.", "Extract {n} keywords from the document." },
    { "code.complete", 4, "You are an expert programmer.", "Complete the function at line {n}." },
    { "code.explain", 4, "Explain code clearly.", "Explain the function on line {n}." },
    { "code.review", 4, "Review code for bugs.", "Review pull request #{n}." },
    { "code.tests", 4, "Write unit tests.", "Write {n} unit tests for the parser." },
    { "code.fix", 4, "Fix failing tests.", "Test {n} fails with a null pointer; fix it." },
    { "code.commit-message", 4, "Write commit messages.", "Write a commit message for change {n}." },
    { "code.refactor", 4, "Refactor for readability.", "Refactor the class in file {n}." },
    { "code.docstring", 4, "Write documentation comments.", "Document function {n}." },
    { "sales.lead-score", 5, "Score sales leads from 0 to 100.", "Score lead {email} (company size {n})." },
    { "sales.outreach", 5, "Write outreach e-mails.", "Write a first e-mail to {email}." },
    { "sales.followup", 5, "Write follow-up e-mails.", "Follow up with {email} after {n} days." },
    { "sales.call-summary", 5, "Summarise sales calls.", "Summarise call {n} with {email}." },
    { "sales.objection", 5, "Handle sales objections.", "The customer says price is too high by {n}%." },
    { "sales.proposal", 5, "Draft proposals.", "Draft a proposal for {n} seats." },
    { "sales.crm-update", 5, "Extract CRM fields.", "Extract fields from note {n}." },
    { "sales.meeting-prep", 5, "Prepare meeting briefs.", "Prepare a brief for the meeting with {email}." },
    { "sales.competitor", 5, "Compare against competitors.", "Compare us with competitor {n}." },
    { "sales.pricing", 5, "Explain pricing tiers.", "Explain the price for {n} users." },
} };

// error.type values follow the convention: a short, low-cardinality identifier.
constexpr std::array<ErrorInfo, 7> kErrors = { {
    { "rate_limit_exceeded", "RateLimitError", "Rate limit reached for requests per minute. Please try again later.",
        429, 40, true, false },
    { "timeout", "APITimeoutError", "Request timed out.", 0, 20, false, true },
    { "context_length_exceeded", "BadRequestError",
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens.", 400,
        12, true, false },
    { "internal_server_error", "InternalServerError", "The server had an error while processing your request.", 500, 10,
        false, false },
    { "overloaded", "APIStatusError", "The service is temporarily overloaded.", 503, 8, true, false },
    { "content_filter", "BadRequestError",
        "The response was filtered due to the prompt triggering the content management policy.", 400, 6, true, false },
    { "authentication_error", "AuthenticationError", "Incorrect API key provided.", 401, 2, true, false },
} };

} // namespace

std::span<const std::string_view> tenantNames()
{
    return kTenants;
}
std::span<const std::string_view> environments()
{
    return kEnvironments;
}
std::span<const ModelInfo> models()
{
    return kModels;
}
std::span<const ServiceInfo> services()
{
    return kServices;
}
std::span<const PromptInfo> prompts()
{
    return kPrompts;
}
std::span<const ErrorInfo> errorKinds()
{
    return kErrors;
}

PromptRange promptsOf(int service)
{
    PromptRange range { -1, 0 };
    for (int i = 0; i < static_cast<int>(kPrompts.size()); ++i) {
        if (kPrompts[i].service != service)
            continue;
        if (range.first < 0)
            range.first = i;
        ++range.count;
    }
    return range;
}

} // namespace spanlight::loadgen
