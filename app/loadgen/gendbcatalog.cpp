#include "gendbcatalog.h"

#include "trafficcatalog.h"

#include <array>

namespace spanlight::gendb {

namespace {

// Provider spellings as the instrumentations write them. Only OpenAI and Anthropic models are
// routed through LiteLLM / OpenRouter style gateways here, which prefix the model name.
constexpr std::array<Provider, 6> kProviders = { {
    { "openai", "openai", "openai", "OpenAI", "openai", "ChatOpenAI", "openai/", "api.openai.com", "openai" },
    { "anthropic", "anthropic", "anthropic", "Anthropic", "anthropic", "ChatAnthropic", "anthropic/",
        "api.anthropic.com", "anthropic" },
    { "gcp.gemini", "gemini", "google", "Gemini", "gemini", "ChatGoogleGenerativeAI", "",
        "generativelanguage.googleapis.com", "google.genai.errors" },
    { "mistral_ai", "mistral_ai", "mistralai", "MistralAI", "mistralai", "ChatMistralAI", "", "api.mistral.ai",
        "mistralai" },
    { "meta", "meta", "meta", "Meta", "llama", "ChatLlamaAPI", "", "api.llama.com", "llama_api_client" },
    { "deepseek", "deepseek", "deepseek", "DeepSeek", "deepseek", "ChatDeepSeek", "", "api.deepseek.com", "openai" },
} };

// Latency medians are rough public figures; what matters is that models differ visibly in a heatmap.
// The embeddings model sits early so a small --models still has one; the last model is made up, so no
// price table knows it and its spend shows as unpriced.
constexpr std::array<GenModel, 12> kModels = { {
    { "gpt-4o", "gpt-4o-2024-08-06", 0, ModelKind::Chat, 450, 80, true, false },
    { "gpt-4o-mini", "gpt-4o-mini-2024-07-18", 0, ModelKind::Chat, 300, 110, true, false },
    { "claude-sonnet-4-5", "claude-sonnet-4-5-20250929", 1, ModelKind::Chat, 700, 70, true, true },
    { "text-embedding-3-small", "text-embedding-3-small", 0, ModelKind::Embedding, 60, 0, false, false },
    { "gemini-2.0-flash", "gemini-2.0-flash-001", 2, ModelKind::Chat, 350, 160, false, false },
    { "o3-mini", "o3-mini-2025-01-31", 0, ModelKind::Reasoning, 2500, 90, true, false },
    { "claude-3-5-haiku", "claude-3-5-haiku-20241022", 1, ModelKind::Chat, 400, 100, true, true },
    { "mistral-large-latest", "mistral-large-2411", 3, ModelKind::Chat, 500, 60, false, false },
    { "llama-3.3-70b-instruct-turbo", "llama-3.3-70b-instruct-turbo", 4, ModelKind::Chat, 400, 90, false, false },
    { "deepseek-reasoner", "deepseek-reasoner", 5, ModelKind::Reasoning, 3000, 35, true, false },
    { "gemini-2.5-pro", "gemini-2.5-pro", 2, ModelKind::Reasoning, 1800, 120, false, false },
    { "nimbus-13b-chat", "nimbus-13b-chat-v2", 4, ModelKind::Chat, 250, 140, false, false },
} };

// The first four services cover the four dialects; span counts per trace average about 8 over the mix.
constexpr std::array<GenService, 8> kServices = { {
    { "chat-api", "assistant", "a consumer chat app", { "web_search", "get_weather", "calculator" }, "",
        { { Dialect::OTel, PromptMode::Name, 0.85 }, { Dialect::OTel, PromptMode::Content, 0.15 } }, 1200, 350, 1, 9,
        0.35, 0.0, 0.15, false, true },
    { "search-rag", "rag-agent", "a knowledge base", { "vector_search", "rerank", "fetch_document" }, "kb-docs",
        { { Dialect::OpenInference, PromptMode::Name, 0.8 }, { Dialect::OpenInference, PromptMode::Content, 0.2 } },
        9000, 400, 2, 7, 0.3, 0.9, 0.0, false, true },
    { "doc-summarizer", "summarizer", "document processing", { "fetch_document", "split_text", "store_summary" }, "",
        { { Dialect::OTelLegacy, PromptMode::LogsOnly, 0.7 }, { Dialect::OTelLegacy, PromptMode::None, 0.3 } }, 14000,
        600, 3, 11, 0.3, 0.0, 0.0, false, false },
    { "code-assistant", "coder", "a software team", { "run_tests", "read_file", "apply_patch" }, "code-index",
        { { Dialect::OpenLLMetry, PromptMode::Content, 0.7 }, { Dialect::OpenLLMetry, PromptMode::Name, 0.3 } }, 6000,
        900, 2, 9, 0.5, 0.2, 0.2, true, false },
    { "support-bot", "support-agent", "customer support", { "lookup_order", "create_ticket", "refund_order" },
        "help-center", { { Dialect::OTel, PromptMode::Content, 1.0 }, { Dialect::OTel, PromptMode::Content, 0.0 } },
        2500, 250, 1, 8, 0.4, 0.4, 0.0, false, true },
    { "sales-copilot", "sales-agent", "a sales team", { "crm_lookup", "draft_email", "schedule_meeting" }, "",
        { { Dialect::OTel, PromptMode::Name, 0.6 }, { Dialect::OTelLegacy, PromptMode::LogsOnly, 0.4 } }, 1800, 500, 1,
        7, 0.4, 0.0, 0.1, false, true },
    { "eval-runner", "judge", "model evaluation", { "load_case", "score_answer", "store_result" }, "",
        { { Dialect::OpenInference, PromptMode::Name, 1.0 }, { Dialect::OpenInference, PromptMode::Name, 0.0 } }, 3000,
        200, 4, 10, 0.15, 0.0, 0.0, true, false },
    { "kb-indexer", "indexer", "document indexing", { "fetch_document", "split_text", "upsert_vectors" }, "kb-docs",
        { { Dialect::OTel, PromptMode::Name, 0.5 }, { Dialect::OpenLLMetry, PromptMode::Content, 0.5 } }, 4000, 300, 1,
        5, 0.6, 0.9, 0.3, true, false },
} };

constexpr std::array<std::string_view, 4> kEnvironments = { "production", "staging", "development", "canary" };

// Prompt k of a service is (verb, object, role, tone) in mixed radix: 20 x 25 x 10 x 8 = 40,000 templates,
// all words, so two templates never normalise to the same fingerprint.
constexpr std::array<std::string_view, 20> kVerbs
    = { "summarize", "classify", "translate", "extract", "rewrite", "answer", "draft", "review", "explain", "compare",
          "score", "plan", "outline", "critique", "tag", "route", "validate", "simplify", "expand", "prioritise" };
constexpr std::array<std::string_view, 25> kObjects = { "invoice", "support ticket", "contract clause", "meeting notes",
    "product review", "bug report", "sales email", "release notes", "job posting", "insurance claim", "purchase order",
    "medical note", "policy document", "chat transcript", "research abstract", "pull request", "marketing brief",
    "refund request", "shipping notice", "survey response", "incident report", "lesson plan", "travel itinerary",
    "lease agreement", "quarterly report" };
constexpr std::array<std::string_view, 10> kRoles
    = { "careful assistant", "support specialist", "financial analyst", "legal reviewer", "technical writer",
          "data analyst", "sales assistant", "compliance officer", "operations planner", "patient tutor" };
constexpr std::array<std::string_view, 8> kTones = { "Answer concisely.", "Use bullet points.", "Be formal.",
    "Cite your sources.", "Respond in JSON.", "Keep a friendly tone.", "Think step by step.", "Never invent facts." };
static_assert(kVerbs.size() * kObjects.size() * kRoles.size() * kTones.size() == kMaxPrompts);

// Where the fill values go: four sentence shapes, so templates differ in structure, not only in words.
constexpr std::array<std::string_view, 4> kUserShapes = {
    "{verb} the {object} sent by {email}; it is number {n}.",
    "Please {verb} {object} #{n} for customer {email}.",
    "{verb} this {object} (case {n}) and reply to {email} before the deadline.",
    "Customer {email} asks you to {verb} their {object}, reference {n}.",
};

std::uint64_t splitMix(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

std::string replaced(std::string text, std::string_view placeholder, std::string_view value)
{
    for (std::size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at))
        text.replace(at, placeholder.size(), value);
    return text;
}

std::string capitalised(std::string_view word)
{
    std::string out(word);
    if (!out.empty() && out[0] >= 'a' && out[0] <= 'z')
        out[0] = static_cast<char>(out[0] - 'a' + 'A');
    return out;
}

std::string slug(std::string_view words)
{
    std::string out(words);
    for (char& c : out)
        c = c == ' ' ? '-' : c;
    return out;
}

} // namespace

std::span<const Provider> providers()
{
    return kProviders;
}

std::span<const GenModel> allModels()
{
    return kModels;
}

std::span<const GenService> allServices()
{
    return kServices;
}

std::string environmentName(int index)
{
    if (index < static_cast<int>(kEnvironments.size()))
        return std::string(kEnvironments[static_cast<std::size_t>(index)]);
    return "env-" + std::to_string(index + 1);
}

std::string tenantName(int index)
{
    const auto names = loadgen::tenantNames();
    if (index < static_cast<int>(names.size()))
        return std::string(names[static_cast<std::size_t>(index)]);
    return "tenant-" + std::to_string(index + 1);
}

std::string_view tenantKey(int tenant, Dialect dialect)
{
    // Phoenix users name the project after the customer; the others pick one of the usual keys.
    if (dialect == Dialect::OpenInference)
        return "openinference.project.name";
    static constexpr std::string_view kKeys[] = { "tenant.id", "tenant.id", "tenant.id", "customer.id", "tenant" };
    return kKeys[tenant % 5];
}

std::vector<GenPrompt> makePrompts(int count, int services, std::uint64_t seed)
{
    std::vector<GenPrompt> prompts;
    prompts.reserve(static_cast<std::size_t>(count));
    for (int k = 0; k < count; ++k) {
        GenPrompt prompt;
        prompt.service = k % services;
        const GenService& service = kServices[static_cast<std::size_t>(prompt.service)];
        const int q = k / services; // rank within the service; (service, q) is unique
        const std::string_view verb = kVerbs[static_cast<std::size_t>(q % 20)];
        const std::string_view object = kObjects[static_cast<std::size_t>((q / 20) % 25)];
        const std::string_view role = kRoles[static_cast<std::size_t>((q / 500) % 10)];
        const std::string_view tone = kTones[static_cast<std::size_t>((q / 5000) % 8)];
        prompt.name = std::string(service.agentName) + "." + std::string(verb) + "-" + slug(object) + "." + slug(role);
        if (q >= 5000)
            prompt.name += '.' + std::to_string(q / 5000);
        prompt.systemText
            = "You are a " + std::string(role) + " for " + std::string(service.domain) + ". " + std::string(tone);
        std::string user(kUserShapes[static_cast<std::size_t>(splitMix(static_cast<std::uint64_t>(k)) % 4)]);
        const bool leading = user.starts_with("{verb}");
        user = replaced(std::move(user), "{verb}", leading ? capitalised(verb) : std::string(verb));
        prompt.userTemplate = replaced(std::move(user), "{object}", object);
        // A few prompts in every popularity band fail often (they overflow the context); the rest
        // vary mildly, so "top failing prompts" has a clear answer.
        const std::uint64_t h = splitMix(seed ^ (0xA24BAED4963EE407ULL * static_cast<std::uint64_t>(k + 1)));
        prompt.fragile = h % 25 == 0;
        prompt.errorFactor = prompt.fragile ? 10.0 : 0.5 + static_cast<double>((h >> 8) % 1000) / 1000.0;
        prompt.version = 1 + static_cast<int>((h >> 20) % 3);
        prompts.push_back(std::move(prompt));
    }
    return prompts;
}

} // namespace spanlight::gendb
