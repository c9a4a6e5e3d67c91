package dev.switchboard.server;

import io.helidon.http.Headers;
import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.http.encoding.ContentEncodingContextConfig;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * The request content codings the server reads: only {@code identity}, which means "no encoding" (RFC 9110 §8.4.1)
 * and so is a plain body, in any letter case. Any other coding is refused before a route sees it, and
 * {@link ProtocolErrors} answers it with a 415. Helidon's own context would refuse {@code identity} too while it
 * decodes nothing else. Replies are never encoded.
 */
final class IdentityOnlyDecoding implements ContentEncodingContext {
    private static final ContentEncodingContextConfig NONE = ContentEncodingContextConfig.builder()
            .contentEncodingsDiscoverServices(false)
            .buildPrototype();

    @Override
    public ContentEncodingContextConfig prototype() {
        return NONE;
    }

    @Override
    public boolean contentEncodingEnabled() {
        return false;
    }

    @Override
    public boolean contentDecodingEnabled() {
        return true;
    }

    @Override
    public boolean contentEncodingSupported(String encodingId) {
        return false;
    }

    @Override
    public boolean contentDecodingSupported(String encodingId) {
        return encodingId != null && encodingId.strip().toLowerCase(Locale.ROOT).equals("identity");
    }

    @Override
    public ContentEncoder encoder(String encodingId) {
        throw new NoSuchElementException("no response content coding: " + encodingId);
    }

    @Override
    public ContentDecoder decoder(String encodingId) {
        if (!contentDecodingSupported(encodingId)) throw new NoSuchElementException("unsupported content coding: " + encodingId);
        return ContentDecoder.NO_OP;
    }

    @Override
    public ContentEncoder encoder(Headers headers) {
        return ContentEncoder.NO_OP;
    }
}
