package dev.switchboard.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.webjars.WebJarVersionLocator;

/**
 * The chat UI: {@code /} (index.html), {@code /ui/*} (its own assets) and {@code /webjars/*} (front-end
 * libraries from WebJars on the class path, addressed without their version). Only files with a known
 * type are served; anything else, and any path that could climb out of its root, is a 404.
 */
final class UiEndpoints {
    private static final String UI_ROOT = "ui/";
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9_\\-]+(?:[./][A-Za-z0-9_\\-]+)*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "map", "application/json",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "woff2", "font/woff2");
    // Our own files change with the server, so browsers revalidate them (cheap thanks to the ETag);
    // library files change only when a WebJar version changes.
    private static final String UI_CACHE = "no-cache";
    private static final String LIBRARY_CACHE = "public, max-age=86400";
    /**
     * Defence in depth behind the sanitiser: only our own scripts run, and the page talks only to this
     * gateway; images are limited to it too, so a model answer cannot carry a tracking or exfiltration URL.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    private record Asset(byte[] bytes, String type, String etag) {}

    private final ClassLoader loader = UiEndpoints.class.getClassLoader();
    private final WebJarVersionLocator webJars = new WebJarVersionLocator();
    /** Found assets only (bounded by what the jars hold); misses are not remembered. */
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    void register(Routes routes) {
        routes.get("/", (req, res) -> send(req, res, Optional.of(UI_ROOT + "index.html"), UI_CACHE));
        routes.get("/ui/*", (req, res) -> send(req, res, safe(rest(req, "/ui/")).map(p -> UI_ROOT + p), UI_CACHE));
        routes.get("/webjars/*", (req, res) -> send(req, res, safe(rest(req, "/webjars/")).flatMap(this::webJarPath),
                LIBRARY_CACHE));
    }

    private static String rest(ServerRequest req, String prefix) {
        String path = req.path().path();
        return path.startsWith(prefix) ? path.substring(prefix.length()) : "";
    }

    /** Plain relative names only: no {@code ..}, no empty or hidden segments, no backslashes. */
    static Optional<String> safe(String path) {
        return SAFE_PATH.matcher(path).matches() && !path.contains("..") ? Optional.of(path) : Optional.empty();
    }

    /** {@code marked/lib/marked.esm.js} → the versioned resource inside the marked WebJar. */
    private Optional<String> webJarPath(String path) {
        int slash = path.indexOf('/');
        if (slash <= 0) return Optional.empty();
        return Optional.ofNullable(webJars.fullPath(path.substring(0, slash), path.substring(slash + 1)));
    }

    private void send(ServerRequest req, ServerResponse res, Optional<String> resource, String cacheControl) {
        Optional<Asset> asset = resource.flatMap(this::asset);
        if (asset.isEmpty()) {
            res.status(Status.NOT_FOUND_404);
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.send("Not found");
            return;
        }
        Asset a = asset.get();
        res.header(HeaderNames.CACHE_CONTROL, cacheControl);
        res.header(HeaderNames.ETAG, a.etag());
        res.header("x-content-type-options", "nosniff");
        if (a.type().startsWith("text/html")) {
            res.header("content-security-policy", CONTENT_SECURITY_POLICY);
            res.header("referrer-policy", "no-referrer");
        }
        boolean unchanged = req.headers().first(HeaderNames.IF_NONE_MATCH).filter(a.etag()::equals).isPresent();
        if (unchanged) {
            res.status(Status.NOT_MODIFIED_304);
            res.send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, a.type());
        res.send(a.bytes());
    }

    private Optional<Asset> asset(String resource) {
        Asset cached = cache.get(resource);
        if (cached != null) return Optional.of(cached);
        String type = TYPES.get(resource.substring(resource.lastIndexOf('.') + 1));
        if (type == null) return Optional.empty();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) return Optional.empty();
            byte[] bytes = in.readAllBytes();
            Asset a = new Asset(bytes, type, etag(bytes));
            cache.put(resource, a);
            return Optional.of(a);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
