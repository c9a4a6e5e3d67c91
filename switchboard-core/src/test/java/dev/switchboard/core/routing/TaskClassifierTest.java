package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.RoutingSettings;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskClassifierTest {
    private static final TokenCounter TOKENS = new TokenCounter();
    private final TaskClassifier classifier = new TaskClassifier(RoutingSettings.defaults(), TOKENS);

    @ParameterizedTest(name = "[{index}] {1}: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            Write the API reference documentation for our REST /users endpoints                | documentation
            Add docstrings to every public method in this module                               | documentation
            Write a README that explains how to install and run the CLI                         | documentation
            Describe each configuration option in the user guide                                | documentation
            Draft release notes for version 2.3                                                 | documentation
            implement the OAuth2 Bearer-token middleware in Python FastAPI.                     | code_generation
            Write a function that reverses a linked list in Java                                | code_generation
            Create a bash script that rotates log files older than seven days                   | code_generation
            Refactor this class to use dependency injection                                     | code_generation
            Write unit tests for the date parser                                                | code_generation
            Fix the bug where the cache never expires entries                                   | code_generation
            Review this code for race conditions                                                | code_review
            Do a security audit of the login handler                                            | code_review
            Check this diff for SQL injection vulnerabilities                                   | code_review
            Review the pull request that changes the payment retry logic                         | code_review
            What are the trade-offs between event sourcing and CRUD for an order system?        | reasoning
            Design a distributed rate limiter that survives a region outage                     | reasoning
            Should we shard by tenant or by region? Justify the decision                       | reasoning
            Prove that the sum of two even numbers is even                                     | reasoning
            Compare Kafka and RabbitMQ for an IoT ingestion pipeline                            | reasoning
            Design a message queue that survives a broker restart                               | reasoning
            Design a short birthday message                                                     | qa_simple
            Design a slogan for our bakery                                                      | qa_simple
            Design a thank-you note for my team                                                 | qa_simple
            What is the capital of Australia?                                                   | qa_simple
            Who wrote The Pragmatic Programmer?                                                 | qa_simple
            How many bytes are in a kilobyte?                                                   | qa_simple
            What does HTTP status 418 stand for?                                                | qa_simple
            Define idempotency                                                                  | qa_simple
            Summarise this article in three bullet points                                       | summarisation
            Give me a TL;DR of the meeting transcript                                           | summarisation
            Condense these release notes into one paragraph                                     | summarisation
            What are the key takeaways from this incident report?                               | summarisation
            Recap yesterday's standup for the people who missed it                             | summarisation
            Alice has 3 times as many apples as Bob. Together they have 24. How many does Alice have? | reasoning
            A train leaves at 3pm at 60 mph. How long will it take to cover 150 miles?          | reasoning
            Solve the equation 2x + 3 = 11                                                       | reasoning
            Why is the sky blue?                                                                 | qa_simple
            Why does my cat knead blankets?                                                      | qa_simple
            What's wrong with this code? ```java String s = null; s.length();```                 | code_generation
            I get a NullPointerException in the checkout handler. What causes it?               | code_generation
            Write a JSON serializer for the Order record                                         | code_generation
            write a Go client for it                                                             | code_generation
            Write a Go client for the billing API                                                | code_generation
            write me a small Python library for the orders service                               | code_generation
            Write a client in Go for the orders service                                          | code_generation
            Create a React component for the date picker                                         | code_generation
            Build an Android app for our bakery                                                  | code_generation
            Write a Kotlin class for the invoice                                                 | code_generation
            Make a Rust CLI for the release process                                              | code_generation
            Write some C# scripts for the deploy                                                 | code_generation
            Code a parser for the config format                                                  | code_generation
            Write a library for the billing service                                              | code_generation
            Summarise the Go client's README                                                     | summarisation
            Write a poem about libraries                                                         | qa_simple
            Write a thank-you note to my client                                                  | qa_simple
            Write an email to the client about the delay                                         | qa_simple
            Write an essay on libraries for my library club                                      | qa_simple
            """)
    void classifiesTheTaskType(String prompt, String type) {
        assertThat(classifier.classify(prompt).type()).isEqualTo(type);
    }

    @ParameterizedTest(name = "[{index}] {1}: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            What is DNS?                                                                          | LOW
            Summarise this paragraph in one sentence                                              | LOW
            Write the API reference documentation for our REST /users endpoints                  | LOW
            Write a function that checks whether a string is a palindrome                        | MEDIUM
            Implement a thread-safe, distributed lock with OAuth-protected admin endpoints. It must handle network partitions, retries and edge cases, and must not lose updates. | HIGH
            Design the architecture for a multi-tenant, fault-tolerant billing platform; compare at least two approaches step by step | HIGH
            """)
    void ratesComplexityIntoTiers(String prompt, ComplexityTier tier) {
        assertThat(classifier.classify(prompt).tier()).isEqualTo(tier);
    }

    @Test
    void givesHarderVersionsOfATaskAHigherComplexity() {
        double plain = classifier.classify("Write a function that parses a date").complexity();
        double constrained = classifier.classify("Write a thread-safe function that parses a date. It must handle "
                + "time zones and leap seconds, and if the input is invalid it must not throw.").complexity();
        double easy = classifier.classify("Write a simple, short function that parses a date").complexity();

        assertThat(constrained).isGreaterThan(plain);
        assertThat(easy).isLessThan(plain);
    }

    @Test
    void countsCodeBlocksAsASignal() {
        TaskProfile withCode = classifier.classify("Refactor this:\n```java\nint f(int x) { return x + 1; }\n```");

        assertThat(withCode.signals()).contains("code block");
        assertThat(withCode.type()).isEqualTo("code_generation");
    }

    @Test
    void findsACodeFenceAnywhereAndListsItOnlyAsACodeBlock() {
        TaskProfile glued = classifier.classify("Why does this fail?```x = 1```");

        assertThat(glued.signals()).contains("code block").doesNotContain("```");
        assertThat(classifier.classify("Why does this fail? ``x = 1``").signals()).doesNotContain("code block");
    }

    @Test
    void estimatesTokensWithTheRealTokenizer() {
        String prompt = "Summarise the following text about photosynthesis in plants";

        assertThat(classifier.classify(prompt).tokens()).isEqualTo(TOKENS.count(prompt));
    }

    @Test
    void fallsBackToASimpleQuestionWhenNothingMatches() {
        TaskProfile p = classifier.classify("Bonjour");

        assertThat(p.type()).isEqualTo(TaskClassifier.FALLBACK_TYPE);
        assertThat(p.tier()).isEqualTo(ComplexityTier.LOW);
    }

    @Test
    void isDeterministic() {
        String prompt = "Design a cache invalidation strategy and explain the failure modes";

        assertThat(classifier.classify(prompt)).isEqualTo(classifier.classify(prompt));
    }

    @Test
    void learnsNewTaskTypesAndKeywordsFromConfig() {
        RoutingSettings d = RoutingSettings.defaults();
        RoutingSettings custom = new RoutingSettings(d.modelNames(), d.qualityWeight(), d.costWeight(),
                d.defaultThreshold(), d.thresholds(), d.securitySensitive(), d.pins(), d.decompose(), d.maxParts(),
                d.dependentParts(), d.defaultExpectedOutput(), d.expectedOutputTokens(), d.lowTierBelow(),
                d.highTierFrom(), Map.of(
                        "translation", new RoutingSettings.TaskTypeSpec(List.of("translat*"), List.of("into french"),
                                OptionalDouble.of(0.3)),
                        "documentation", new RoutingSettings.TaskTypeSpec(List.of("adr"), List.of(), OptionalDouble.empty())));
        TaskClassifier c = new TaskClassifier(custom, TOKENS);

        assertThat(c.classify("Translate this paragraph into French").type()).isEqualTo("translation");
        assertThat(c.classify("Write an ADR").type()).isEqualTo("documentation");
        assertThat(c.taskTypes()).contains("translation", "documentation", "code_generation");
    }

    @Test
    void matchesKeywordsOnlyAtWordBoundaries() {
        // "diff" must not fire inside "different", nor "cli" inside "client"
        TaskProfile p = classifier.classify("What is the different between a client and a server?");

        assertThat(p.signals()).doesNotContain("diff", "cli");
        assertThat(p.type()).isEqualTo("qa_simple");
    }

    /** code_review goes to the top tier: a review of prose or of a person is no code review. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            Review my cover letter for typos
            Please review this essay for grammar and tone
            Write a performance review for my employee
            Audit the expense report for duplicate entries
            """)
    void aReviewOfSomethingThatIsNotCodeIsNoCodeReview(String prompt) {
        assertThat(classifier.classify(prompt).type()).isNotEqualTo("code_review");
    }
}
