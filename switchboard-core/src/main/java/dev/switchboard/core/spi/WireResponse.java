package dev.switchboard.core.spi;

import java.nio.charset.StandardCharsets;

/** A complete HTTP response from an upstream. */
public record WireResponse(int status, WireHeaders headers, byte[] body) {
    public boolean ok() {
        return status >= 200 && status < 300;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
