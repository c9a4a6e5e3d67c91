package dev.switchboard.server;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Ends the connection after an answer that says {@code Connection: close} (the client asked for it, or the gateway
 * set it), as RFC 9112 §9.6 asks. Helidon 4.5 writes the header and then waits on the same connection for another
 * request (helidon-io/helidon#12324), so a client that reads to the end of the stream (an HTTP/1.0 tool, a health
 * checker, {@code nc}) hangs until its own timeout.
 */
final class ConnectionClose implements Filter {
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        chain.proceed();
        if (!res.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) return;
        if (res.hasEntity()) res.commit(); // the answer is complete on the wire before the connection ends
        throw new CloseConnectionException("the answer said Connection: close");
    }
}
