package dev.switchboard.core.spi;

import java.net.URI;

/** An HTTP request an adapter wants sent; built without I/O. {@code body} may be empty for GET. */
public record WireRequest(String method, URI uri, WireHeaders headers, byte[] body) {
    public static WireRequest post(URI uri, WireHeaders headers, byte[] body) {
        return new WireRequest("POST", uri, headers, body);
    }
}
