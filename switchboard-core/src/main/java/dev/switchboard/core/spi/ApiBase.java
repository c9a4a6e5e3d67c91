package dev.switchboard.core.spi;

import java.net.URI;

/**
 * Builds an endpoint's URL from a deployment's {@code api_base}. The base may carry a query every call must keep
 * (Azure-style OpenAI-compatible servers want {@code ?api-version=2024-10-21}): the path goes before it, not after
 * it. A fragment is never sent, so it is dropped.
 */
public final class ApiBase {
    private ApiBase() {}

    /** {@code apiBase} without its query, its fragment and trailing slashes: what an endpoint's path is appended to. */
    public static String stem(URI apiBase) {
        String s = apiBase.toString();
        if (apiBase.getRawFragment() != null) s = s.substring(0, s.length() - apiBase.getRawFragment().length() - 1);
        if (apiBase.getRawQuery() != null) s = s.substring(0, s.length() - apiBase.getRawQuery().length() - 1);
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s;
    }

    /** {@code url} (a {@link #stem} with a path appended) with {@code apiBase}'s query, if it has one. */
    public static URI withQueryOf(URI apiBase, String url) {
        String query = apiBase.getRawQuery();
        return URI.create(query == null || query.isEmpty() ? url : url + "?" + query);
    }

    /** {@code path} appended to {@code apiBase}'s stem, followed by its query. */
    public static URI endpoint(URI apiBase, String path) {
        return withQueryOf(apiBase, stem(apiBase) + path);
    }
}
