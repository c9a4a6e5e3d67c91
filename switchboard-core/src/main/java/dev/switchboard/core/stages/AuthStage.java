package dev.switchboard.core.stages;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.config.Secret;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Principal;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.pipeline.Stage;

/** Checks the caller's key against the master key. Present in the pipeline only when a master key is set. */
public final class AuthStage implements Stage {
    private final Secret masterKey;

    public AuthStage(Secret masterKey) {
        this.masterKey = masterKey;
    }

    @Override
    public Reply apply(Exchange exchange, Chain next) {
        return next.proceed(exchange.withPrincipal(authenticate(exchange.credentials())));
    }

    /** Also used by ingress for endpoints outside the pipeline (model listing, stats). */
    public Principal authenticate(Credentials credentials) {
        return switch (credentials) {
            case Credentials.InProcess p -> Principal.IN_PROCESS;
            case Credentials.ApiKey k when k.key().isEmpty() -> throw new GatewayException.AuthenticationFailed(
                    "Missing API key: send 'Authorization: Bearer <key>'.");
            case Credentials.ApiKey k when masterKey.matches(k.key().get()) -> Principal.MASTER;
            case Credentials.ApiKey k -> throw new GatewayException.AuthenticationFailed("Incorrect API key provided.");
        };
    }
}
