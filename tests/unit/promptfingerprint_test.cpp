#include "promptfingerprint.h"

#include <gtest/gtest.h>

using namespace spanlight;

TEST(PromptNormalisation, ReplacesVariablePartsWithPlaceholders)
{
    EXPECT_EQ(normalisePromptText("Order 12345 for jane.doe+vip@mail.example.com costs 19.99"),
        "Order <num> for <email> costs <num>");
    EXPECT_EQ(normalisePromptText("Ticket 3f2504e0-4f89-11d3-9a0c-0305e82c3301 is open"), "Ticket <uuid> is open");
    EXPECT_EQ(normalisePromptText("commit a1b2c3d4e5f6 and 0xDEADBEEF"), "commit <hex> and <hex>");
    EXPECT_EQ(
        normalisePromptText(R"(Translate "bonjour" and 'merci' and “danke”)"), "Translate <str> and <str> and <str>");
    EXPECT_EQ(normalisePromptText("invoice INV2024000123 for user42"), "invoice INV<num> for user42")
        << "long digit runs inside words go, short ones (part of a name) stay";
    EXPECT_EQ(normalisePromptText("Use gpt-4o on 2024-07-18"), "Use gpt-<num>o on <num>-<num>-<num>");
}

TEST(PromptNormalisation, KeepsWordsThatOnlyLookVariable)
{
    EXPECT_EQ(normalisePromptText("it's Bob's car, isn't it"), "it's Bob's car, isn't it")
        << "apostrophes are no quotes";
    EXPECT_EQ(normalisePromptText("deadbeef accede"), "deadbeef accede") << "hex letters without a digit are words";
    EXPECT_EQ(normalisePromptText("mail me @ noon. a@b"), "mail me @ noon. a@b") << "not an e-mail address";
    EXPECT_EQ(normalisePromptText("a 5\" screen"), "a <num>\" screen") << "an unclosed quote stays";
    EXPECT_EQ(normalisePromptText("Write to ann@example.com."), "Write to <email>.");
}

TEST(PromptNormalisation, CollapsesWhitespaceAndControlCharacters)
{
    EXPECT_EQ(normalisePromptText("  Hello,\n\n\tworld \x1f\x01 again  "), "Hello, world again");
    EXPECT_EQ(normalisePromptText(""), "");
    EXPECT_EQ(normalisePromptText("Grüße 12 an Zoë"), "Grüße <num> an Zoë") << "UTF-8 letters are word characters";
}

TEST(PromptNormalisation, UnmatchedQuotesStayLinear)
{
    // Thousands of single quotes that open but never close: each must not
    // rescan the rest of the text (a quadratic scan would take seconds here).
    std::string text;
    for (int i = 0; i < 20000; ++i)
        text += " 'a";
    const std::string normalised = normalisePromptText(text);
    EXPECT_EQ(normalised.size(), text.size() - 1);
    EXPECT_EQ(normalised.substr(0, 6), "'a 'a ");
}

TEST(PromptFingerprint, SameTemplateSameFingerprint)
{
    const std::string system = "You are a support agent for ACME.";
    const std::string a = promptFingerprint(system, "Where is order 1042? My email is ann@example.com");
    const std::string b = promptFingerprint(system, "Where is order 77?   My email is bob@example.org");
    const std::string c = promptFingerprint(system, "Cancel order 77. My email is bob@example.org");
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(a, promptFingerprint("You are a sales agent for ACME.", "Where is order 1042? My email is x@y.io"));
    EXPECT_EQ(a.size(), 16u);
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(PromptFingerprint, PartsDoNotRunTogether)
{
    EXPECT_NE(promptFingerprint("a b", "c"), promptFingerprint("a", "b c"));
    EXPECT_NE(promptFingerprint("", "x"), promptFingerprint("x", ""));
}

TEST(PromptFingerprint, IdentitiesNeverCollideWithContent)
{
    EXPECT_NE(identityFingerprint("name", "triage", ""), promptFingerprint("name", "triage"));
    EXPECT_NE(identityFingerprint("name", "triage", "1"), identityFingerprint("template", "triage", "1"));
    EXPECT_EQ(identityFingerprint("name", "triage", "1"), identityFingerprint("name", "triage", "1"));
}

TEST(PromptFingerprint, Utf8PrefixNeverSplitsACharacter)
{
    const std::string text = "ab\xC3\xBC"; // "abü"
    EXPECT_EQ(utf8Prefix(text, 3), "ab");
    EXPECT_EQ(utf8Prefix(text, 4), text);
    EXPECT_EQ(utf8Prefix(text, 10), text);
}
