package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.switchboard.core.config.RoutingSettings;
import dev.switchboard.core.config.RoutingSettings.DependentParts;
import java.time.Duration;
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
                // an example of what was explained is part of that answer; split, it went alone without its subject
                row("Explain what OAuth is and give an example of it", "Explain what OAuth is and give an example of it"),
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
                row("Summarise the meeting notes and action items", "Summarise the meeting notes and action items"),
                // a weak "and" / "then" inside a clause describing the object, after "read", or before an add-on
                one("Build a REST API in Express that can create, update and delete users."),
                one("Write a Python script to parse the nginx access logs and extract the top 10 IP addresses."),
                one("Write a shell script that checks whether /tmp/app.lock exists, then remove it."),
                one("Create a React component that lets users add and remove items from a todo list."),
                one("Write a function that downloads a URL and make it async."),
                one("Write a bash script that backs up /var/www and make sure it skips node_modules."),
                one("Write a function to merge two sorted lists and add type hints."),
                one("Solve x^2-5x+6=0 and explain each step."),
                one("Explain recursion simply and give three examples."),
                one("Can you explain what a monad is and show an example in Haskell?"),
                one("Read this article and summarise it: https://example.com/post"),
                one("List the differences between Python 2 and Python 3 and explain which one to use."),
                one("What is a closure in JavaScript? Give me an example of one."),
                row("Migrate the service to Java 21 and update the README",
                        "Migrate the service to Java 21", "update the README"),
                row("Write a function that parses dates and also make it handle time zones",
                        "Write a function that parses dates", "make it handle time zones ->0"),
                // a part whose "it" has nothing to take it from stays with the part before
                one("What is Docker? Explain it to a 5-year-old."),
                one("Explain how our caching layer works so new engineers understand it; write it as a wiki page."),
                // lists of requirements, options, data or steps are material for one task
                one("Write a Python CLI tool that backs up a Postgres database. Requirements:\n- Uses pg_dump\n"
                        + "- Compresses the dump\n- Uploads to S3\n- Logs to stdout"),
                one("Summarise the feedback from these customers:\n- The app is slow and crashes\n- Love the new design"),
                one("Which of these should I pick?\n- Kubernetes\n- Nomad"),
                one("Explain how to set up a venv:\n1. which command to run\n2. how to activate it"),
                one("Refactor the billing module as follows:\n1. Extract the Invoice class\n2. Remove dead code"),
                one("Why does this compose file fail?\nservices:\n  web:\n    ports:\n      - 80:80\n      - 443:443"),
                one("Review this diff:\n- password = request.args['pw']\n- check(password)\n+ check(request.args['pw'])"),
                row("Tasks:\n1. Refactor the billing module\n   - split Invoice into two classes\n   - remove dead code\n"
                                + "2. Write release notes for v2.0",
                        "Refactor the billing module\n- split Invoice into two classes\n- remove dead code",
                        "Write release notes for v2.0"),
                row("Answer these questions:\n1. Who wrote Hamlet?\n2. How many continents are there?",
                        "Who wrote Hamlet?", "How many continents are there?"),
                // "then" and a reference to the earlier answer, attached code or not; the part that made it
                row("Write a haiku about autumn. Then translate this into Spanish.",
                        "Write a haiku about autumn.", "translate this into Spanish. ->0"),
                row("Write a limerick about cats. Then make that funnier.",
                        "Write a limerick about cats.", "make that funnier. ->0"),
                row("Research the history of Unix and then summarise it in 3 bullets.",
                        "Research the history of Unix", "summarise it in 3 bullets. ->0"),
                row("Here is my code:\n```python\ndef f(x):\n    return x*2\n```\nRefactor it to use type hints and then "
                                + "write tests for it.",
                        "Here is my code:\n```python\ndef f(x):\n    return x*2\n```\nRefactor it to use type hints",
                        "Here is my code:\n```python\ndef f(x):\n    return x*2\n```\nwrite tests for it. ->0"),
                row("1. Write a Go CSV parser\n2. Write a README\n3. Write tests for the function above",
                        "Write a Go CSV parser", "Write a README", "Write tests for the function above ->0"),
                // single quotes protect like double ones; apostrophes do not open a quote
                one("What does the error 'Failed to build; run npm install and try again' mean?"),
                row("Explain why the users' sessions expire and also write a fix for Bob's login bug",
                        "Explain why the users' sessions expire", "write a fix for Bob's login bug"),
                // markdown headings separate parts and are no part of them
                row("### Task 1\nWrite a SQL query that finds duplicate emails.\n### Task 2\nExplain database indexing.",
                        "Write a SQL query that finds duplicate emails.", "Explain database indexing."),
                row("### Task 1: Write a SQL query that finds duplicate emails.\n### Task 2: Explain database indexing.",
                        "Write a SQL query that finds duplicate emails.", "Explain database indexing."),
                // text pasted after an instruction is not split and reaches every part of that instruction
                one("Summarise this email for me: Hi team, the release slipped to Friday. Can you check the CI logs? "
                        + "Also, write the changelog entry before Thursday. Thanks, Maria"),
                row("Translate the following paragraph into French and also list its key points:\n\nWe were founded "
                                + "in 1998. We build tools for farmers.",
                        "Translate the following paragraph into French:\n\nWe were founded in 1998. We build tools for "
                                + "farmers.",
                        "list its key points:\n\nWe were founded in 1998. We build tools for farmers."),
                row("Analyse the sales data below and summarise the result in one paragraph.\n\nQ1: 100, Q2: 120",
                        "Analyse the sales data below\n\nQ1: 100, Q2: 120",
                        "summarise the result in one paragraph.\n\nQ1: 100, Q2: 120 ->0"),
                row("On Monday at 10:30: write an agenda for the sprint review and also draft the invite email.",
                        "On Monday at 10:30: write an agenda for the sprint review",
                        "On Monday at 10:30: draft the invite email."),
                row("Please do the following: write the docs and implement the middleware",
                        "write the docs", "implement the middleware"));
    }

    private static Arguments row(String prompt, String... parts) {
        return Arguments.of(prompt, List.of(parts));
    }

    private static Arguments one(String prompt) {
        return row(prompt, prompt);
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

    /** The defaults, with dependent parts kept together instead of run in order. */
    private static RoutingSettings together() {
        RoutingSettings d = RoutingSettings.defaults();
        return new RoutingSettings(d.modelNames(), d.qualityWeight(), d.costWeight(), d.defaultThreshold(), d.thresholds(),
                d.securitySensitive(), d.pins(), d.decompose(), d.maxParts(), DependentParts.TOGETHER,
                d.defaultExpectedOutput(), d.expectedOutputTokens(), d.lowTierBelow(), d.highTierFrom(), d.taskTypes());
    }

    @Test
    void keepsDependentPartsTogetherWhenConfiguredSo() {
        List<SubTask> parts = new TaskSplitter(together()).split(
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

    @ParameterizedTest
    @MethodSource("placeholderCharacters")
    void keepsThePromptsOwnPlaceholderCharactersAsTheyAre(String prompt, List<String> expected) {
        assertThat(splitter.split(prompt)).extracting(SubTask::text).containsExactlyElementsOf(expected);
    }

    /** The masker's private-use characters in the input: they crashed (500) or copied another protected span. */
    static Stream<Arguments> placeholderCharacters() {
        return Stream.of(
                row("Write the docs \uE000x\uE001 and also implement the middleware.",
                        "Write the docs \uE000x\uE001", "implement the middleware."),
                row("Write the docs \uE0000\uE001 and also implement the middleware. \uE0B0 powerline",
                        "Write the docs \uE0000\uE001", "implement the middleware. \uE0B0 powerline"),
                row("Explain \"a and also b\" then \uE0000\uE001 and also write the docs",
                        "Explain \"a and also b\" then \uE0000\uE001", "write the docs"),
                one("\uE001\uE000 \uE000\uE000 \uE0011\uE001 and \uE000"));
    }

    @Test
    void keepsAPartTogetherWithTheEarlierPartItRefersToWhenConfiguredSo() {
        List<SubTask> parts = new TaskSplitter(together()).split(
                "1. Write a Go CSV parser\n2. Write a README\n3. Write tests for the function above");

        assertThat(parts).extracting(SubTask::text).containsExactly(
                "Write a Go CSV parser\nWrite tests for the function above", "Write a README");
    }

    /**
     * Prompts the size of a pasted document, shaped to hit the splitter's worst cases: each is split in about a
     * second at most. They took from 20 seconds to minutes each, or overflowed the stack (a 500), while the work
     * grew with the square of the prompt's length or a regular expression recursed once per word. The bound is
     * generous for a busy shared machine.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("degeneratePrompts")
    void splitsALongDegeneratePromptInTimeThatGrowsWithItsLength(String shape, String prompt, int parts) {
        List<SubTask> split = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> splitter.split(prompt), shape);
        assertThat(split).as(shape).hasSize(parts);
    }

    static Stream<Arguments> degeneratePrompts() {
        return Stream.of(
                Arguments.of("a run of spaces in a sentence", "Write the docs" + " ".repeat(50_000) + "x", 1),
                Arguments.of("thousands of leading 'please'", "please ".repeat(5_000) + "write the docs and also write tests", 2),
                Arguments.of("thousands of instructions", "Fix the bug. ".repeat(70_000), 8),
                Arguments.of("one instruction and a long text after it", "Explain relativity. " + "It is. ".repeat(100_000), 1),
                Arguments.of("a list item with a long text under it",
                        "- write the code\n" + "  more\n".repeat(100_000) + "- write the docs\n", 2),
                Arguments.of("thousands of 'and's in one clause",
                        "Write a script that checks the logs" + " and write a report".repeat(20_000), 1),
                Arguments.of("thousands of commas before a conjunction", "Write the docs" + " ,".repeat(150_000) + " and write tests", 2),
                Arguments.of("thousands of unclosed quotes and code marks", "Write the docs \u201C ` ".repeat(160_000), 1));
    }

    @Test
    void treatsABlankPromptAsOneEmptyTask() {
        assertThat(splitter.split("   ")).singleElement().extracting(SubTask::explanation).isEqualTo("empty prompt");
    }
}
