package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.RoutingSettings;
import dev.switchboard.core.config.RoutingSettings.DependentParts;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaskSplitterTest {
    private final TaskSplitter splitter = new TaskSplitter(RoutingSettings.defaults());

    /** A prompt and the parts it must give; "->N" after a part means it depends on part N (0-based). */
    static Stream<Arguments> prompts() {
        return Stream.of(
                // the seeds' demo prompt
                row("Write the API reference documentation for our REST /users endpoints AND implement the OAuth2 "
                                + "Bearer-token middleware in Python FastAPI.",
                        "Write the API reference documentation for our REST /users endpoints",
                        "implement the OAuth2 Bearer-token middleware in Python FastAPI."),
                // conjunction markers
                row("Summarise this changelog and also write a migration guide for v2",
                        "Summarise this changelog", "write a migration guide for v2"),
                row("Explain how TLS handshakes work, additionally list common misconfigurations",
                        "Explain how TLS handshakes work", "list common misconfigurations"),
                row("Draft a README for the CLI plus generate a man page from it",
                        "Draft a README for the CLI", "generate a man page from it ->0"),
                row("Translate the error messages into German as well as write unit tests for the parser",
                        "Translate the error messages into German", "write unit tests for the parser"),
                row("Describe the data model; implement the repository layer in Kotlin",
                        "Describe the data model", "implement the repository layer in Kotlin"),
                row("Write a SQL query for monthly revenue and explain the join strategy",
                        "Write a SQL query for monthly revenue", "explain the join strategy"),
                // dependent parts
                row("Write a Python function that parses ISO dates and then write unit tests for it",
                        "Write a Python function that parses ISO dates", "write unit tests for it ->0"),
                row("Implement a retry wrapper around the HTTP client and document it",
                        "Implement a retry wrapper around the HTTP client", "document it ->0"),
                row("Generate five product name ideas and then summarise the results in a table",
                        "Generate five product name ideas", "summarise the results in a table ->0"),
                row("Explain what OAuth is and give an example of it",
                        "Explain what OAuth is", "give an example of it"),
                // shared context
                row("For our REST API: write the docs and implement the middleware",
                        "For our REST API: write the docs", "For our REST API: implement the middleware"),
                row("In the billing service, add an audit log and write a runbook for on-call engineers",
                        "In the billing service, add an audit log",
                        "In the billing service, write a runbook for on-call engineers"),
                row("Our service is a Flask app backed by Redis. Write docs for /users and add a rate limiter.",
                        "Our service is a Flask app backed by Redis. Write docs for /users",
                        "Our service is a Flask app backed by Redis. Add a rate limiter."),
                // sentences
                row("What is OAuth? How does JWT signing work?", "What is OAuth?", "How does JWT signing work?"),
                row("Write a haiku about autumn. Then translate it into Japanese.",
                        "Write a haiku about autumn.", "translate it into Japanese. ->0"),
                // lists
                row("Please do the following:\n1. Summarise the attached article\n2. Translate the summary into French\n"
                                + "3. Write a haiku about autumn",
                        "Summarise the attached article", "Translate the summary into French ->0",
                        "Write a haiku about autumn"),
                row("For the payments module:\n- write docstrings for every public function\n- add input validation "
                                + "to the refund endpoint",
                        "For the payments module: write docstrings for every public function",
                        "For the payments module: add input validation to the refund endpoint"),
                row("1) Explain the CAP theorem\n2) Compare Raft and Paxos\n\nKeep each answer under 200 words.",
                        "Explain the CAP theorem\n\nKeep each answer under 200 words.",
                        "Compare Raft and Paxos\n\nKeep each answer under 200 words."),
                // code fences are never split; the code reaches every part
                row("Review this code and write docs for it:\n```python\ndef add(a, b):\n    return a and b\n```",
                        "Review this code\n\n```python\ndef add(a, b):\n    return a and b\n```",
                        "write docs for it:\n```python\ndef add(a, b):\n    return a and b\n```"),
                // not compound
                row("Compare PostgreSQL and MySQL for a write-heavy workload",
                        "Compare PostgreSQL and MySQL for a write-heavy workload"),
                row("Read and summarise this file", "Read and summarise this file"),
                row("Write and test a function that reverses a linked list",
                        "Write and test a function that reverses a linked list"),
                row("Explain what \"write the docs and implement the middleware\" means in our style guide",
                        "Explain what \"write the docs and implement the middleware\" means in our style guide"),
                row("List the pros and cons of event sourcing", "List the pros and cons of event sourcing"),
                row("Explain caching and test strategies for microservices",
                        "Explain caching and test strategies for microservices"),
                row("Write a function that parses dates. It should handle ISO formats and time zones.",
                        "Write a function that parses dates. It should handle ISO formats and time zones."),
                row("```\nrm -rf build && make all and install\n```",
                        "```\nrm -rf build && make all and install\n```"),
                row("What is the capital of Australia?", "What is the capital of Australia?"),
                row("Summarise the meeting notes and action items", "Summarise the meeting notes and action items"));
    }

    private static Arguments row(String prompt, String... parts) {
        return Arguments.of(prompt, List.of(parts));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("prompts")
    void splitsPromptsIntoTheExpectedParts(String prompt, List<String> expected) {
        List<SubTask> parts = splitter.split(prompt);

        List<String> texts = expected.stream().map(e -> e.replaceAll(" ->\\d+$", "")).toList();
        List<Optional<Integer>> depends = expected.stream()
                .map(e -> e.matches("(?s).* ->\\d+$")
                        ? Optional.of(Integer.parseInt(e.substring(e.lastIndexOf("->") + 2))) : Optional.<Integer>empty())
                .toList();
        assertThat(parts).extracting(SubTask::text).containsExactlyElementsOf(texts);
        assertThat(parts).extracting(SubTask::dependsOn).containsExactlyElementsOf(depends);
        assertThat(parts).extracting(SubTask::order).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, texts.size()).boxed().toList());
    }

    @Test
    void returnsANonCompoundPromptUnchangedAsOneTask() {
        String prompt = "  Explain recursion to a ten-year-old.  ";

        List<SubTask> parts = splitter.split(prompt);

        assertThat(parts).singleElement().satisfies(p -> {
            assertThat(p.text()).isEqualTo(prompt);
            assertThat(p.dependsOn()).isEmpty();
            assertThat(p.explanation()).startsWith("one task");
        });
    }

    @Test
    void explainsWhereItSplitAndWhichPartsDepend() {
        List<SubTask> parts = splitter.split("Write a CSV parser in Go and then write tests for it");

        assertThat(parts.get(0).explanation()).contains("before 'and then'").contains("independent");
        assertThat(parts.get(1).explanation()).contains("after 'and then'").contains("runs after part 1")
                .contains("'it'");
    }

    @Test
    void keepsDependentPartsTogetherWhenConfiguredSo() {
        RoutingSettings d = RoutingSettings.defaults();
        RoutingSettings together = new RoutingSettings(d.modelNames(), d.qualityWeight(), d.costWeight(),
                d.defaultThreshold(), d.thresholds(), d.securitySensitive(), d.pins(), d.decompose(), d.maxParts(),
                DependentParts.TOGETHER, d.defaultExpectedOutput(), d.expectedOutputTokens(), d.lowTierBelow(),
                d.highTierFrom(), d.taskTypes());

        List<SubTask> parts = new TaskSplitter(together).split(
                "Write a CSV parser in Go and then write tests for it, and also explain what RFC 4180 says about quotes");

        assertThat(parts).extracting(SubTask::text).containsExactly(
                "Write a CSV parser in Go and then write tests for it",
                "explain what RFC 4180 says about quotes");
        assertThat(parts).allSatisfy(p -> assertThat(p.dependsOn()).isEmpty());
        assertThat(parts.get(0).explanation()).contains("kept together");
    }

    @Test
    void neverMakesMorePartsThanConfigured() {
        RoutingSettings d = RoutingSettings.defaults();
        RoutingSettings two = new RoutingSettings(d.modelNames(), d.qualityWeight(), d.costWeight(),
                d.defaultThreshold(), d.thresholds(), d.securitySensitive(), d.pins(), d.decompose(), 2,
                d.dependentParts(), d.defaultExpectedOutput(), d.expectedOutputTokens(), d.lowTierBelow(),
                d.highTierFrom(), d.taskTypes());

        List<SubTask> parts = new TaskSplitter(two).split("- explain DNS\n- explain TCP\n- explain TLS");

        assertThat(parts).extracting(SubTask::text).containsExactly("explain DNS", "explain TCP\nexplain TLS");
    }

    @Test
    void treatsABlankPromptAsOneEmptyTask() {
        assertThat(splitter.split("   ")).singleElement().extracting(SubTask::explanation).isEqualTo("empty prompt");
    }
}
