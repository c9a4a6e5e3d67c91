package dev.switchboard.core.config;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/** A credential. Its {@code toString} never shows the value, so it cannot leak into logs by accident. */
public record Secret(String value) {
    public Secret {
        if (value == null || value.isEmpty()) throw new IllegalArgumentException("empty secret");
    }

    /** Constant-time comparison, for checking keys presented by clients. */
    public boolean matches(String candidate) {
        if (candidate == null) return false;
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code url} fit for an error or a log line: its userinfo ({@code user:pass@}), every query value and any fragment
     * become {@code ****}, since any of them may carry a credential ({@code ?api-key=...}). Query names stay, so the
     * reader still sees which parameters were set. Works on text that is no valid URL too.
     */
    public static String redactUrl(String url) {
        if (url == null) return null;
        int fragment = url.indexOf('#');
        String rest = fragment < 0 ? url : url.substring(0, fragment);
        int query = rest.indexOf('?');
        String head = query < 0 ? rest : rest.substring(0, query);
        int scheme = head.indexOf("//");
        int authorityStart = scheme < 0 ? 0 : scheme + 2;
        int authorityEnd = head.indexOf('/', authorityStart);
        if (authorityEnd < 0) authorityEnd = head.length();
        int at = head.lastIndexOf('@', authorityEnd - 1);
        StringBuilder out = new StringBuilder();
        if (at >= authorityStart) out.append(head, 0, authorityStart).append("****").append(head, at, head.length());
        else out.append(head);
        if (query >= 0) {
            out.append('?');
            String[] pairs = rest.substring(query + 1).split("&", -1);
            for (int i = 0; i < pairs.length; i++) {
                if (i > 0) out.append('&');
                int eq = pairs[i].indexOf('=');
                if (eq >= 0) out.append(pairs[i], 0, eq + 1).append("****");
                else if (!pairs[i].isEmpty()) out.append("****");
            }
        }
        if (fragment >= 0) out.append("#****");
        return out.toString();
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
