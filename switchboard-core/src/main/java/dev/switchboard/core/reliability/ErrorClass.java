package dev.switchboard.core.reliability;

import dev.switchboard.core.GatewayException;

/** The classes of retryable failure that have their own retry count. */
public enum ErrorClass {
    RATE_LIMIT, TIMEOUT, SERVER_ERROR, CONNECTION;

    public static ErrorClass of(GatewayException.Retryable e) {
        return switch (e) {
            case GatewayException.RateLimited r -> RATE_LIMIT;
            case GatewayException.UpstreamTimeout t -> TIMEOUT;
            case GatewayException.ConnectionFailed c -> CONNECTION;
            case GatewayException.Overloaded o -> SERVER_ERROR;
            case GatewayException.UpstreamError u -> SERVER_ERROR;
        };
    }
}
