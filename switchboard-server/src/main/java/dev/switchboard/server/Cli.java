package dev.switchboard.server;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ServerSettings;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.ledger.LedgerStoreUnavailableException;
import dev.switchboard.core.reliability.SharedStoreUnavailableException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code switchboard} command line. */
@Command(name = "switchboard", mixinStandardHelpOptions = true, version = "switchboard 0.1.0",
        description = "Cost-aware LLM gateway.", subcommands = {Cli.Serve.class, RouteCommand.class, DemoCommand.class, EvalCommand.class})
public final class Cli {

    public static void main(String[] args) {
        Logging.installManager();
        Logging.configure();
        int code = new CommandLine(new Cli()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException ce) {
                cmd.getErr().println("switchboard: invalid configuration: " + ce.getMessage());
                return 78; // EX_CONFIG
            }
            if (e instanceof SwitchboardServer.ListenFailed || e instanceof LedgerStoreUnavailableException
                    || e instanceof SharedStoreUnavailableException) {
                cmd.getErr().println("switchboard: " + e.getMessage());
                return 69; // EX_UNAVAILABLE
            }
            // Bad input to a command (a blank prompt, an unreadable file): its message, not a stack trace.
            if (e instanceof GatewayException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("switchboard: " + e.getMessage());
                return 65; // EX_DATAERR
            }
            throw e;
        }).execute(args);
        if (code != 0) System.exit(code);
    }

    /** Config from {@code --config}, else the built-in default; then the command-line overrides. */
    static SwitchboardConfig config(Optional<Path> file, Optional<String> host, Optional<Integer> port) {
        SwitchboardConfig config = file.map(Switchboard::loadConfig).orElseGet(Switchboard::defaultConfig);
        ServerSettings s = config.server();
        if (host.isPresent()) s = s.withHost(host.get());
        if (port.isPresent()) {
            if (port.get() < 0 || port.get() > 65535) throw new ConfigException("--port", "must be between 0 and 65535");
            s = s.withPort(port.get());
        }
        String envKey = System.getenv("SWITCHBOARD_MASTER_KEY");
        if (envKey != null && !envKey.isBlank()) {
            config = config.withMasterKey(Optional.of(new dev.switchboard.core.config.Secret(envKey)));
        }
        // Without a master key nobody else may reach the gateway: loopback only, whatever was asked.
        if (config.masterKey().isEmpty() && !isLoopback(s.host())) s = s.withHost(ServerSettings.DEFAULT_HOST);
        return config.withServer(s);
    }

    /** For commands that call no model and write nothing: the ledger stays off. */
    static SwitchboardConfig offline(SwitchboardConfig config) {
        return config.withLedger(dev.switchboard.core.config.LedgerSettings.none());
    }

    static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the gateway (API and UI).")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--config", description = "YAML config file (LiteLLM model_list format). Default: built-in.")
        Path config;

        @Option(names = "--port", description = "Port to listen on (default 4000).")
        Integer port;

        @Option(names = "--host", description = "Address to bind (default 127.0.0.1; other addresses need SWITCHBOARD_MASTER_KEY).")
        String host;

        @Override
        public Integer call() throws Exception {
            SwitchboardConfig cfg = Cli.config(Optional.ofNullable(config), Optional.ofNullable(host), Optional.ofNullable(port));
            Switchboard engine = Switchboard.create(cfg);
            SwitchboardServer server = SwitchboardServer.start(engine);
            banner(System.out, cfg, server, host);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("switchboard: shutting down (grace " + cfg.server().shutdownGrace().toSeconds() + "s)");
                server.shutdown();
                stopped.countDown();
            }, "switchboard-shutdown"));
            stopped.await();
            return 0;
        }

        private static void banner(PrintStream out, SwitchboardConfig cfg, SwitchboardServer server, String askedHost) {
            String base = "http://" + cfg.server().host() + ":" + server.port();
            out.println("switchboard: listening on " + base + "  (chat UI at " + base + "/, OpenAI API at " + base + "/v1)");
            out.println("switchboard: config: " + cfg.origin() + "; pipeline: " + String.join(" → ", server.engine().pipeline().stageNames()));
            if (cfg.masterKey().isEmpty()) {
                out.println("switchboard: no SWITCHBOARD_MASTER_KEY set: API calls need no key, so the gateway listens on "
                        + cfg.server().host() + " only" + (askedHost != null && !Cli.isLoopback(askedHost)
                                ? " (ignoring --host " + askedHost + ")" : "") + ".");
            } else {
                out.println("switchboard: API calls need 'Authorization: Bearer <master key>'.");
            }
            if (cfg.modelGroups().isEmpty()) {
                out.println("switchboard: no models configured (model_list is empty): every model call answers 404 until "
                        + "the config lists one.");
            }
            cfg.modelGroups().forEach((name, group) -> out.println("switchboard: model " + name + " → "
                    + group.stream().map(d -> d.provider() + "/" + d.upstreamModel() + (d.simulated() ? " (simulated)" : ""))
                            .reduce((a, b) -> a + ", " + b).orElse("")));
        }
    }
}
