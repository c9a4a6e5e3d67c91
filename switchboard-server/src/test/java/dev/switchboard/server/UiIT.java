package dev.switchboard.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import com.microsoft.playwright.options.ReducedMotion;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.DefaultConfig;
import dev.switchboard.core.config.SwitchboardConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat UI in Debian's Chromium, driven by Playwright, against the real gateway on the simulated
 * tiers. Playwright never downloads a browser here: it launches {@code /usr/bin/chromium}.
 */
class UiIT {
    static final String COMPOUND = "Write the API reference documentation for our REST /users endpoints AND implement "
            + "the OAuth2 Bearer-token middleware in Python FastAPI.";
    static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "screenshots");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path LEDGERS = Path.of(System.getProperty("basedir", "."), "target", "ui-it");
    static final Pattern TWO_SUBTASKS = Pattern.compile("2 sub-tasks");

    static Playwright playwright;
    static Browser browser;
    static SwitchboardServer gateway;

    final List<BrowserContext> contexts = new ArrayList<>();
    final List<String> pageErrors = new ArrayList<>();

    @BeforeAll
    static void start() {
        assertThat(CHROMIUM).as("Debian's Chromium (apt-get install chromium; .ci/run installs it)").isExecutable();
        gateway = start(defaultYaml(), "UI test (simulated tiers)");
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM)
                .setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
        if (gateway != null) gateway.shutdown();
    }

    @AfterEach
    void closeContextsAndCheckForScriptErrors() {
        contexts.forEach(BrowserContext::close);
        contexts.clear();
        assertThat(pageErrors).as("uncaught errors in the page").isEmpty();
    }

    /**
     * The built-in default config (simulated tiers only: no provider keys, no Ollama) on a free port, with a
     * fresh SQLite ledger so session stats start at zero.
     */
    static String defaultYaml() {
        Path ledger = LEDGERS.resolve("ledger-" + System.nanoTime() + ".db");
        return DefaultConfig.yaml(name -> null) + "switchboard:\n  server: {port: 0}\n"
                + "  ledger: {store: sqlite, path: \"" + ledger + "\", flush-interval: 50ms}\n";
    }

    static SwitchboardServer start(String yaml, String origin) {
        SwitchboardConfig config = new ConfigLoader(name -> null, Switchboard.availableProviders()).parse(yaml, origin);
        return SwitchboardServer.start(Switchboard.create(config));
    }

    Page open(SwitchboardServer server, int width, int height, ColorScheme scheme) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(width, height).setColorScheme(scheme).setReducedMotion(ReducedMotion.REDUCE));
        contexts.add(context);
        Page page = newPage(context);
        page.navigate("http://127.0.0.1:" + server.port() + "/");
        assertThat(page.locator("body[data-ready=true]")).hasCount(1);
        return page;
    }

    Page newPage(BrowserContext context) {
        Page page = context.newPage();
        page.onPageError(pageErrors::add);
        // HTTP error answers are expected in some tests; Chromium logs each as "Failed to load resource"
        page.onConsoleMessage(m -> {
            if ("error".equals(m.type()) && !m.text().startsWith("Failed to load resource")) pageErrors.add(m.text());
        });
        return page;
    }

    Page open() {
        return open(gateway, 1280, 900, ColorScheme.LIGHT);
    }

    static void send(Page page, String prompt) {
        Locator box = page.getByLabel("Prompt", new Page.GetByLabelOptions().setExact(true));
        box.fill(prompt);
        box.press("Enter");
    }

    static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(false));
    }

    static Locator lastResponse(Page page) {
        return page.locator(".response-card").last();
    }

    static void awaitFinished(Page page) {
        assertThat(page.locator("#send")).isEnabled();
        assertThat(page.getByLabel("Prompt", new Page.GetByLabelOptions().setExact(true))).isEditable();
    }

    @Test
    void sidebarShowsTheSimulatedRegistryAndTheLiveUtilityWeights() {
        Page page = open();
        Locator models = page.locator("#registry .model");
        assertThat(models).hasCount(4);
        assertThat(models.first()).containsText("T1");
        assertThat(models.first()).containsText("IBM Granite");
        assertThat(models.first().locator(".badge.simulated")).isVisible();
        assertThat(page.locator("#beta")).hasText(Pattern.compile("0\\.\\d\\d"));
        assertThat(page.locator("#alpha")).hasText(Pattern.compile("0\\.\\d\\d"));
        assertThat(page.locator("#formula")).containsText("·");
        // the front-end libraries came from their WebJars: sanitiser, and highlighting for the usual languages
        assertThat(page.evaluate("() => typeof DOMPurify.sanitize")).isEqualTo("function");
        assertThat(page.evaluate("() => ['python', 'java', 'javascript', 'bash', 'json'].every(l => hljs.getLanguage(l))"))
                .isEqualTo(true);
    }

    @Test
    void compoundPromptIsRoutedAsTwoPartsWithATabEachAndAMergedAnswer() {
        Page page = open();
        send(page, COMPOUND);
        Locator routing = page.locator(".routing-card").last();
        assertThat(routing.locator(".subtask-count")).hasText(TWO_SUBTASKS);
        assertThat(routing.locator(".part")).hasCount(2);
        assertThat(routing.locator(".part").first()).containsText("documentation");
        assertThat(routing.locator(".part").first()).containsText(Pattern.compile("complexity \\d+%"));
        assertThat(routing.locator(".part").first()).containsText(Pattern.compile("Q \\d+%"));
        awaitFinished(page);

        Locator card = lastResponse(page);
        Locator tabs = card.getByRole(AriaRole.TAB);
        assertThat(tabs).hasCount(3);
        assertThat(tabs.last()).hasText("Merged");

        // the reason shows when a part is expanded
        routing.locator(".part summary").nth(1).click();
        assertThat(routing.locator(".part .reason").nth(1)).isVisible();

        tabs.nth(1).click();
        assertThat(tabs.nth(1)).hasAttribute("aria-selected", "true");
        Locator second = card.getByRole(AriaRole.TABPANEL);
        assertThat(second).hasCount(1);
        assertThat(second.locator(".markdown")).not().isEmpty();
        assertThat(second.locator("[data-meta=latency]")).containsText("ms");
        assertThat(second.locator("[data-meta=tokens]")).containsText("out");

        // keyboard: arrow keys move between tabs
        tabs.nth(1).press("ArrowRight");
        assertThat(tabs.last()).hasAttribute("aria-selected", "true");
        assertThat(tabs.last()).isFocused();
        Locator merged = card.getByRole(AriaRole.TABPANEL);
        assertThat(merged.locator(".markdown h2")).hasCount(2);
        assertThat(merged.locator("[data-meta=cost]")).containsText("$");
        shot(page, "desktop-light");
    }

    @Test
    void dryRunShowsThePlanWithoutCallingAModel() {
        Page page = open();
        page.getByRole(AriaRole.SWITCH, new Page.GetByRoleOptions().setName("Dry run")).check();
        send(page, COMPOUND);
        Locator routing = page.locator(".routing-card");
        assertThat(routing).hasCount(1);
        assertThat(routing.locator(".subtask-count")).hasText(TWO_SUBTASKS);
        assertThat(routing.locator(".badge.dry")).isVisible();
        awaitFinished(page);
        assertThat(page.locator(".response-card")).hasCount(0);
        assertThat(page.locator(".error-card")).hasCount(0);
        routing.locator(".part summary").first().click();
        assertThat(routing.locator(".candidates").first()).isVisible();
        shot(page, "dry-run");
    }

    @Test
    void sessionStatsCountTheCallAndItsCost() {
        Page page = open();
        int before = Integer.parseInt(page.locator("#stat-calls").textContent().trim());
        send(page, "Summarise the difference between TCP and UDP in two sentences.");
        awaitFinished(page);
        assertThat(page.locator("#stat-calls")).hasText(String.valueOf(before + 1));
        assertThat(page.locator("#stat-cost")).containsText("$");
        assertThat(page.locator("#stat-savings")).containsText("$");

        lastResponse(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Good answer")).click();
        assertThat(lastResponse(page).getByRole(AriaRole.STATUS)).hasText("Thanks — recorded.");
        assertThat(page.locator("#stat-quality")).hasText(Pattern.compile("\\d+% \\(\\d+ rated\\)"));
    }

    @Test
    void htmlInAnAnswerIsSanitisedBeforeItReachesThePage() {
        Page page = open();
        // the simulated models quote the request in their answer, so this HTML comes back inside the markdown
        send(page, "Summarise this markup: <img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>");
        awaitFinished(page);
        Locator answer = lastResponse(page).getByRole(AriaRole.TABPANEL).locator(".markdown");
        assertThat(answer).containsText("Summarise this markup");
        assertThat(answer.locator("img")).hasCount(1);
        assertThat(answer.locator("img[onerror]")).hasCount(0);
        assertThat(page.locator(".markdown script")).hasCount(0);
        assertThat(page.evaluate("() => window.pwned === undefined")).isEqualTo(true);
        // the user's own bubble is text, never markup
        assertThat(page.locator(".bubble.user")).containsText("<script>");
        // Chromium reports the hostile handler met while the sanitiser parses the markup as blocked by the
        // page's CSP: that is the second line of defence doing its job, not a script error
        pageErrors.removeIf(e -> e.contains("Content Security Policy") && e.contains("has been blocked"));
    }

    @Test
    void shiftEnterAddsANewLineInsteadOfSending() {
        Page page = open();
        Locator box = page.getByLabel("Prompt", new Page.GetByLabelOptions().setExact(true));
        box.fill("first line");
        box.press("Shift+Enter");
        box.pressSequentially("second line");
        assertThat(box).hasValue("first line\nsecond line");
        assertThat(page.locator(".bubble.user")).hasCount(0);
    }

    @Test
    void narrowAndDarkLayoutsStayReadable() {
        Page narrow = open(gateway, 360, 780, ColorScheme.LIGHT);
        send(narrow, COMPOUND);
        awaitFinished(narrow);
        assertThat(lastResponse(narrow).getByRole(AriaRole.TAB)).hasCount(3);
        Object overflow = narrow.evaluate("() => document.documentElement.scrollWidth - window.innerWidth");
        assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
        shot(narrow, "mobile-360-answer");
        narrow.locator(".routing-card").last().scrollIntoViewIfNeeded();
        shot(narrow, "mobile-360-routing");
        narrow.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show models and stats")).click();
        assertThat(narrow.locator("#sidebar")).isInViewport();
        assertThat(narrow.locator("#sidebar-close")).isFocused();
        shot(narrow, "mobile-360-sidebar");
        narrow.keyboard().press("Escape");
        assertThat(narrow.locator("#sidebar")).not().isInViewport();

        Page dark = open(gateway, 1280, 900, ColorScheme.DARK);
        send(dark, COMPOUND);
        awaitFinished(dark);
        lastResponse(dark).getByRole(AriaRole.TAB).nth(1).click();
        String background = (String) dark.evaluate("() => getComputedStyle(document.body).backgroundColor");
        assertThat(background).isNotEqualTo("rgb(255, 255, 255)").isNotEqualTo("rgb(246, 247, 249)");
        shot(dark, "desktop-dark");
    }

    /** The built-in default with extra simulation settings on every model and no retries, so faults reach the page. */
    private static String defaultYamlWithoutRetries(String simulation) {
        return defaultYaml().replace("simulation: {", "simulation: {" + simulation + ", ")
                .replace("switchboard:\n", "switchboard:\n  reliability: {retries: {server-error: 0, connection: 0}}\n");
    }

    @Test
    void anUpstreamFailureShowsAnErrorCard() {
        // every simulated call fails with a 500, and nothing retries it, so the failure reaches the page at once
        SwitchboardServer failing = start(defaultYamlWithoutRetries("error-rate: 1.0, error-status: 500"),
                "UI test (injected upstream faults)");
        try {
            Page page = open(failing, 1280, 900, ColorScheme.LIGHT);
            send(page, COMPOUND);
            awaitFinished(page);
            Locator alert = page.getByRole(AriaRole.ALERT);
            assertThat(alert).hasCount(1);
            assertThat(alert).containsText("2 of 2 parts failed");
            assertThat(lastResponse(page).locator(".tab.failed")).hasCount(2);
            assertThat(lastResponse(page).getByRole(AriaRole.TABPANEL)).containsText("This part failed");
            shot(page, "upstream-error");
        } finally {
            closeContextsAndCheckForScriptErrors();
            failing.shutdown();
        }
    }

    @Test
    void aStreamThatBreaksMidwayKeepsWhatArrivedAndSaysItFailed() {
        SwitchboardServer failing = start(defaultYamlWithoutRetries("fail-after-tokens: 12"),
                "UI test (connection breaks mid-stream)");
        try {
            Page page = open(failing, 1280, 900, ColorScheme.LIGHT);
            send(page, "Summarise the difference between TCP and UDP in two sentences.");
            awaitFinished(page);
            assertThat(page.getByRole(AriaRole.ALERT)).hasCount(1);
            Locator answer = lastResponse(page).getByRole(AriaRole.TABPANEL).locator(".markdown");
            assertThat(answer).containsText("Simulated answer");
            assertThat(answer.locator("blockquote")).containsText("This part failed");
            shot(page, "midstream-failure");
        } finally {
            closeContextsAndCheckForScriptErrors();
            failing.shutdown();
        }
    }

    @Test
    void askedForTheKeyOnceWhenTheGatewayRequiresOne() {
        SwitchboardServer locked = start(defaultYaml().replace("switchboard:\n", "switchboard:\n  master-key: sk-ui-test\n"),
                "UI test (master key)");
        try {
            BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
            contexts.add(context);
            Page page = newPage(context);
            page.navigate("http://127.0.0.1:" + locked.port() + "/");
            Locator dialog = page.getByRole(AriaRole.DIALOG);
            assertThat(dialog).isVisible();
            dialog.getByLabel("Gateway API key").fill("sk-wrong");
            dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Use key")).click();
            // a refused key is forgotten and asked for again, with the gateway's reason
            assertThat(dialog.getByRole(AriaRole.ALERT)).not().isEmpty();
            assertThat(dialog).isVisible();
            shot(page, "api-key-dialog");
            dialog.getByLabel("Gateway API key").fill("sk-ui-test");
            dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Use key")).click();
            assertThat(page.locator("body[data-ready=true]")).hasCount(1);
            assertThat(page.locator("#registry .model")).hasCount(4);
            send(page, COMPOUND);
            awaitFinished(page);
            assertThat(page.locator(".error-card")).hasCount(0);
            assertThat(dialog).isHidden();
        } finally {
            closeContextsAndCheckForScriptErrors();
            locked.shutdown();
        }
    }
}
